// containerd 1.6 (Debian) driving berth as the runc binary of the io.containerd.runc.v2 shim, and
// the same scenarios driving runc in the same run: every difference shows as a test that passes
// for one and fails for the other. A private containerd on a temp dir; the shim issues runc's command
// lines (create --bundle --pid-file, start, state, kill, delete, exec --process).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBusyboxRootfs } from '../helpers/rootfs.js';
import { BERTH } from '../helpers/bundle.js';
import { readmeSnippet } from './helpers/readme.js';
import { CONTAINERD_PROGRAMS, PrivateContainerd } from './helpers/containerd.js';
import { updateTask } from './helpers/containerd-update.js';
import { announceSkip, removeCgroupTree, run, runtimes, waitFor, whyNot, type Runtime } from './helpers/env.js';

const why = whyNot({ ...CONTAINERD_PROGRAMS, script: 'bsdutils' });
announceSkip('containerd', why);

describe.skipIf(!!why)(`containerd${why ? ` (skipped: ${why})` : ''}`, () => {
  let ctd: PrivateContainerd;
  let work: string;
  let rootfs: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'berth-ctd-rootfs-'));
    rootfs = makeBusyboxRootfs(work);
    ctd = new PrivateContainerd();
    await ctd.start();
  });

  afterAll(async () => {
    await ctd?.stop();
    if (ctd) removeCgroupTree(ctd.cgroupParent);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  describe.each(runtimes())('with $name as the shim runtime', (rt: Runtime) => {
    let n = 0;
    const newId = () => `${rt.name}-${n++}`;
    const runArgs = (id: string, extra: string[] = []) => ['run', ...ctd.runFlags(rt, id), ...extra, '--rootfs', rootfs, id];
    /** The runtime's own view of the container, through the state root the shim gave it. */
    const rtState = (id: string) => run(rt.path, ['--root', ctd.runtimeRoot(rt), 'state', id]);
    const leftInRoot = () => (existsSync(ctd.runtimeRoot(rt)) ? readdirSync(ctd.runtimeRoot(rt)) : []);
    const taskStatus = (id: string) => {
      const line = ctd.ctr(['task', 'ls']).stdout.split('\n').find((l) => l.split(/\s+/)[0] === id);
      return line?.trim().split(/\s+/)[2];
    };

    it('one-shot run: output reaches ctr, state is removed', () => {
      const id = newId();
      const r = ctd.ctr([...runArgs(id, ['--rm']), '/bin/echo', 'hello from', rt.name]);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(`hello from ${rt.name}\n`);
      expect(r.status).toBe(0);
      expect(leftInRoot()).not.toContain(id);
    });

    it("the container's exit code is ctr's", () => {
      const id = newId();
      const r = ctd.ctr([...runArgs(id, ['--rm']), '/bin/sh', '-c', 'echo out; echo err >&2; exit 7']);
      expect(r.status).toBe(7);
      expect(r.stdout).toBe('out\n');
      expect(r.stderr).toContain('err\n');
    });

    it('detached: task exec, ps, pause/resume, metrics, update, kill --all, rm', async () => {
      const id = newId();
      const d = ctd.ctr([...runArgs(id, ['-d']), '/bin/sleep', '1000']);
      expect(d.status, d.stderr).toBe(0);
      try {
        expect(taskStatus(id)).toBe('RUNNING');
        const st = rtState(id);
        expect(st.status, `${rt.name} state: ${st.stderr}`).toBe(0);
        const state = JSON.parse(st.stdout);
        expect(state.status).toBe('running');
        expect(state.id).toBe(id);

        // exec: output and exit code of the exec'd process reach ctr
        const e = ctd.ctr(['task', 'exec', ...ctd.execFlags(), '--exec-id', 'e1', id, '/bin/sh', '-c', 'echo in-exec $$; exit 3']);
        expect(e.status).toBe(3);
        expect(e.stdout).toMatch(/^in-exec \d+\n$/);

        // a detached exec keeps running: task ps lists it beside the init
        const bg = ctd.ctr(['task', 'exec', ...ctd.execFlags(), '-d', '--exec-id', 'bg', id, '/bin/sleep', '900']);
        expect(bg.status, bg.stderr).toBe(0);
        await waitFor('two processes in task ps', () => ctd.ctr(['task', 'ps', id]).stdout.trim().split('\n').length === 3);
        const pids = ctd.ctr(['task', 'ps', id]).stdout.trim().split('\n').slice(1).map((l) => Number(l.split(/\s+/)[0]));
        expect(pids).toContain(state.pid);

        // pause / resume: containerd and the runtime agree
        expect(ctd.ctr(['task', 'pause', id]).status).toBe(0);
        expect(taskStatus(id)).toBe('PAUSED');
        expect(JSON.parse(rtState(id).stdout).status).toBe('paused');
        const ex = ctd.ctr(['task', 'exec', ...ctd.execFlags(), '--exec-id', 'e2', id, '/bin/true']);
        expect(ex.status, 'exec into a paused container fails').not.toBe(0);
        expect(ctd.ctr(['task', 'resume', id]).status).toBe(0);
        expect(taskStatus(id)).toBe('RUNNING');

        // metrics (the shim reads the container's cgroups)
        const m = ctd.ctr(['task', 'metrics', id]);
        expect(m.status, m.stderr).toBe(0);
        expect(m.stdout).toMatch(/pids\.current\s+2\b/);
        expect(m.stdout).toMatch(/memory\.usage_in_bytes\s+[1-9]\d*/);

        // update: Tasks.Update -> `<runtime> update --resources - ID`
        await updateTask(ctd.sock, ctd.namespace, id, { memory: { limit: 64 * 1024 * 1024 }, pids: { limit: 99 } });
        const m2 = ctd.ctr(['task', 'metrics', id]).stdout;
        expect(m2).toMatch(/memory\.limit_in_bytes\s+67108864\b/);
        expect(m2).toMatch(/pids\.limit\s+99\b/);

        // kill --all (ctr task kill -a) stops init and the exec'd sleep
        const k = ctd.ctr(['task', 'kill', '-a', '-s', 'SIGKILL', id]);
        expect(k.status, k.stderr).toBe(0);
        await waitFor('task to stop', () => taskStatus(id) === 'STOPPED');
        expect(JSON.parse(rtState(id).stdout).status).toBe('stopped');
      } finally {
        ctd.ctr(['task', 'kill', '-s', 'SIGKILL', id]);
        const rm = ctd.ctr(['task', 'rm', '-f', id]);
        expect(rm.status, rm.stderr).toBe(0);
        expect(ctd.ctr(['container', 'rm', id]).status).toBe(0);
      }
      expect(leftInRoot()).not.toContain(id);
      expect(rtState(id).status).not.toBe(0);
    });

    it('a terminal (ctr run -t) through --console-socket', () => {
      const id = newId();
      const cmd = ['ctr', '--address', ctd.sock, '--namespace', ctd.namespace, ...runArgs(id, ['--rm', '-t']), '/bin/sh', '-c', "'test -t 0 && test -t 1 && echo tty-yes; exit 4'"];
      // script(1) gives ctr a pty of its own to hand on, as a user's terminal would.
      const r = run('script', ['-qec', cmd.join(' '), '/dev/null']);
      expect(r.stdout).toMatch(/tty-yes\r+\n/);
      expect(r.status).toBe(4);
      expect(leftInRoot()).not.toContain(id);
    });

    it("a create error: the runtime's message reaches the ctr user", () => {
      const id = newId();
      const r = ctd.ctr([...runArgs(id, ['--rm', '--with-ns', 'network:/proc/self/ns/no-such-ns']), '/bin/true']);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain('/proc/self/ns/no-such-ns');
      expect(r.stderr).toContain('no such file or directory');
      // nothing left: not in containerd's task list, not in the runtime's root
      expect(taskStatus(id)).toBeUndefined();
      ctd.ctr(['container', 'rm', id]);
      expect(leftInRoot()).not.toContain(id);
    });

    it('a missing executable fails the create: the error names it, no task is left', () => {
      const id = newId();
      const r = ctd.ctr([...runArgs(id, ['--rm']), '/bin/no-such-program']);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/OCI runtime create failed: .*\/bin\/no-such-program.*no such file or directory/);
      expect(taskStatus(id)).toBeUndefined();
      expect(leftInRoot()).not.toContain(id);
      ctd.ctr(['container', 'rm', id]);
    });
  });

  it("README.md's config.toml runtime is what containerd reads: runc v2 shim, BinaryName berth", () => {
    const cfg = join(ctd.dir, 'readme-config.toml');
    writeFileSync(cfg, readmeSnippet('toml', 'BinaryName'));
    const r = run('containerd', ['--config', cfg, 'config', 'dump']);
    expect(r.status, r.stderr).toBe(0);
    const section = r.stdout.slice(r.stdout.indexOf('[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.berth]'));
    expect(section).toMatch(/^\s*runtime_type = "io\.containerd\.runc\.v2"$/m);
    expect(section).toContain(`BinaryName = "${BERTH}"`);
  });

  it('no container processes or state are left behind', () => {
    for (const rt of runtimes()) {
      expect(existsSync(ctd.runtimeRoot(rt)) ? readdirSync(ctd.runtimeRoot(rt)) : []).toEqual([]);
    }
    // every process in this instance's cgroups is gone
    const left = readdirSync('/proc')
      .filter((p) => /^\d+$/.test(p))
      .filter((p) => {
        try {
          return readFileSync(`/proc/${p}/cgroup`, 'utf8').includes(ctd.cgroupParent);
        } catch {
          return false;
        }
      });
    expect(left).toEqual([]);
  });
});
