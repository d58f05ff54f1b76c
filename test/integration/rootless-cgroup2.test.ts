// Rootless berth with a delegated cgroup v2 subtree (what systemd's Delegate= gives a user): a
// cgroup made for the test user and chowned to it (cgroup.procs, cgroup.subtree_control,
// cgroup.threads, as cgroups(7) "Delegation" describes). berth runs as the user in a leaf of it
// and makes the container's cgroup beside that leaf: limits apply, pause/resume freeze it, ps
// and kill --all read it, delete removes it. Runs in the cgroup v2 VM lane
// (scripts/cgroup2-vm/run.sh); skipped (and says so) on a host without a unified hierarchy.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { chownSync, existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { haveBuild } from '../helpers/bundle.js';
import { haveBusybox, makeBusyboxRootfs } from '../helpers/rootfs.js';
import { makeRootlessUser, rootlessToolsMissing, type RootlessUser } from '../helpers/rootless-user.js';
import { detectLayout } from '../../src/cgroups/layout.js';

const CG = '/sys/fs/cgroup';
const missing = rootlessToolsMissing() ?? (!haveBuild() ? 'no build' : !haveBusybox() ? 'no busybox' : detectLayout() !== 'unified' ? 'no unified cgroup hierarchy (cgroup v2 VM lane)' : undefined);

describe.skipIf(!!missing)(`rootless berth, delegated cgroup v2${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let u: RootlessUser;
  let deleg: string;
  let runner: string;

  beforeAll(() => {
    u = makeRootlessUser();
    deleg = join(CG, `berth-rootless-${process.pid}`);
    mkdirSync(deleg);
    for (const c of readFileSync(join(CG, 'cgroup.subtree_control'), 'utf8').trim().split(/\s+/)) {
      if (c) writeFileSync(join(deleg, 'cgroup.subtree_control'), `+${c}`);
    }
    for (const f of ['', 'cgroup.procs', 'cgroup.subtree_control', 'cgroup.threads']) chownSync(join(deleg, f), u.uid, u.gid);
    // The user's own processes sit in a leaf; its containers go beside it (no processes in
    // inner nodes: cgroups(7) "no internal processes").
    runner = join(deleg, 'runner');
    const r = u.run('mkdir', [runner]);
    expect(r.status, r.stderr).toBe(0);
  });

  afterAll(() => {
    u?.remove();
    for (const d of [runner, deleg]) {
      try {
        if (d && existsSync(d)) rmdirSync(d);
      } catch {
        // reported by the test that left something in it
      }
    }
  });

  it('limits, pause/resume, ps, kill --all and delete through the cgroup the user owns', () => {
    const dir = join(u.dir, 'bundle');
    mkdirSync(dir, { mode: 0o755 });
    makeBusyboxRootfs(dir);
    chownSync(dir, u.uid, u.gid);
    const as = (args: string[]) => u.berthAs(args, { cgroup: runner, cwd: dir });
    const ok = (r: { status: number | null; stderr: string }) => expect(r.status, r.stderr).toBe(0);
    ok(as(['spec', '--rootless']));
    const id = `rl2-${process.pid}`;
    const cgroupsPath = `/${join(deleg.slice(CG.length + 1), id)}`;
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    config.process.terminal = false;
    config.process.args = ['sh', '-c', 'sleep 1000 & cat /sys/fs/cgroup/pids.max; wait'];
    config.linux.cgroupsPath = cgroupsPath;
    config.linux.resources = { pids: { limit: 42 }, memory: { limit: 64 * 1024 * 1024 } };
    if (!config.linux.namespaces.some((n: any) => n.type === 'cgroup')) config.linux.namespaces.push({ type: 'cgroup' });
    config.mounts.push({ destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'ro'] });
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));

    const run = as(['run', '-d', '--bundle', dir, id]);
    ok(run);
    expect(run.stderr).toBe(''); // delegated: no warning
    const mine = join(CG, cgroupsPath);
    expect(readFileSync(join(mine, 'pids.max'), 'utf8').trim()).toBe('42');
    expect(readFileSync(join(mine, 'memory.max'), 'utf8').trim()).toBe(String(64 * 1024 * 1024));
    const st = JSON.parse(as(['state', id]).stdout);
    expect(readFileSync(`/proc/${st.pid}/cgroup`, 'utf8').trim()).toBe(`0::${cgroupsPath}`);

    ok(as(['pause', id]));
    expect(JSON.parse(as(['state', id]).stdout).status).toBe('paused');
    expect(readFileSync(join(mine, 'cgroup.freeze'), 'utf8').trim()).toBe('1');
    ok(as(['resume', id]));
    expect(JSON.parse(as(['state', id]).stdout).status).toBe('running');

    const ps = as(['ps', '--format', 'json', id]);
    ok(ps);
    expect(JSON.parse(ps.stdout)).toEqual(readFileSync(join(mine, 'cgroup.procs'), 'utf8').trim().split('\n').map(Number).sort((a, b) => a - b));

    ok(as(['kill', '--all', id, 'KILL']));
    for (let i = 0; i < 200 && JSON.parse(as(['state', id]).stdout).status !== 'stopped'; i++) u.run('sleep', ['0.05']);
    ok(as(['delete', id]));
    expect(existsSync(mine)).toBe(false);
  });
});
