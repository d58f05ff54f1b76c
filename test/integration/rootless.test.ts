// berth as a non-root user (rootless), the way rootless Podman and users of `runc spec
// --rootless` run it: a user made for the test, a bundle from `berth spec --rootless`, state
// under $XDG_RUNTIME_DIR/berth. Where the cgroup tree is not delegated (this host's v1
// hierarchies) the container goes without a cgroup of its own, with one warning; the delegated
// v2 case runs in the cgroup v2 VM lane (scripts/cgroup2-vm/run.sh).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { chownSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { haveBuild } from '../helpers/bundle.js';
import { haveBusybox, makeBusyboxRootfs } from '../helpers/rootfs.js';
import { makeRootlessUser, rootlessToolsMissing, type RootlessUser } from '../helpers/rootless-user.js';

const missing = rootlessToolsMissing() ?? (!haveBuild() ? 'no build' : !haveBusybox() ? 'no busybox' : undefined);
const WARNING = /level=warning msg="rootless: the container runs without a cgroup of its own \(cgroup: mkdir [^)]*: permission denied\); pause, resume and limits need a delegated cgroup"/;

let counter = 0;

/** A process that has not exited (a zombie waiting for its reaper counts as gone). */
function alive(pid: number): boolean {
  try {
    const st = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !/^[ZX]/.test(st.slice(st.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

describe.skipIf(!!missing)(`rootless berth${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let u: RootlessUser;

  beforeAll(() => {
    u = makeRootlessUser();
  });

  afterAll(() => {
    u?.remove();
  });

  /** A bundle the user owns, its config from `berth spec --rootless` run as the user. */
  function bundle(args: string[], edit?: (c: any) => void): { dir: string; config: any; write(): void } {
    const dir = join(u.dir, `bundle-${counter++}`);
    mkdirSync(dir, { mode: 0o755 });
    makeBusyboxRootfs(dir);
    chownSync(dir, u.uid, u.gid);
    const s = u.berthAs(['spec', '--rootless'], { cwd: dir });
    expect(s.status, s.stderr).toBe(0);
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    config.process.terminal = false;
    config.process.args = args;
    const b = { dir, config, write: () => writeFileSync(join(dir, 'config.json'), JSON.stringify(b.config)) };
    edit?.(config);
    b.write();
    return b;
  }

  const id = () => `rl-${process.pid}-${counter++}`;
  const stateRoot = () => join(u.xdg, 'berth');
  const ok = (r: { status: number | null; stderr: string }) => expect(r.status, r.stderr).toBe(0);
  const state = (cid: string) => {
    const r = u.berthAs(['state', cid]);
    ok(r);
    return JSON.parse(r.stdout);
  };

  it('spec --rootless: the user\'s own ids mapped to root, no network namespace, /sys bound', () => {
    const b = bundle(['true']);
    expect(b.config.linux.uidMappings).toEqual([{ containerID: 0, hostID: u.uid, size: 1 }]);
    expect(b.config.linux.gidMappings).toEqual([{ containerID: 0, hostID: u.gid, size: 1 }]);
    expect(b.config.linux.namespaces.map((n: any) => n.type)).toContain('user');
    expect(b.config.linux.namespaces.map((n: any) => n.type)).not.toContain('network');
  });

  it('run: root in the container is the user outside, state under $XDG_RUNTIME_DIR/berth, one warning for the cgroup', () => {
    // A mount of type cgroup, as engines ask for one.
    const b = bundle(['sh', '-c', 'id; cat /proc/self/uid_map; cat /proc/self/setgroups; ls /sys/fs/cgroup | wc -l'], (cfg) => {
      cfg.mounts.push({ destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['nosuid', 'noexec', 'nodev', 'ro'] });
    });
    const c = id();
    const r = u.berthAs(['run', '--bundle', b.dir, c]);
    ok(r);
    expect(r.stdout.split('\n')[0]).toBe('uid=0(root) gid=0(root)');
    expect(r.stdout.split('\n')[1]!.trim().split(/\s+/)).toEqual(['0', String(u.uid), '1']);
    // A gid map of its own gid only: written after denying setgroups (user_namespaces(7)).
    expect(r.stdout.split('\n')[2]).toBe('deny');
    // No cgroup of its own: an empty /sys/fs/cgroup, not the host's.
    expect(r.stdout.split('\n')[3]).toBe('0');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(WARNING);
    expect(statSync(stateRoot()).uid).toBe(u.uid);
    expect(readdirSync(stateRoot())).toEqual([]);
  });

  it('create --dry-run as the user: the cgroup create would go without, the same warning, the steps create carries out', () => {
    const b = bundle(['true']);
    const c = id();
    const dry = u.berthAs(['create', '--dry-run', '--format', 'json', '--bundle', b.dir, c]);
    ok(dry);
    expect(dry.stderr).toMatch(WARNING);
    const doc = JSON.parse(dry.stdout);
    expect(doc.host.cgroup).toBeNull();
    expect(doc.warnings).toHaveLength(1);
    expect(readdirSync(stateRoot())).toEqual([]);
    const cr = u.berthAs(['create', '--bundle', b.dir, c]);
    ok(cr);
    // The warning names the same operation (the first dir create could not make).
    expect(cr.stderr.match(WARNING)![0]).toBe(dry.stderr.match(WARNING)![0]);
    const rec = JSON.parse(readFileSync(join(stateRoot(), c, 'state.json'), 'utf8'));
    expect([...doc.host.steps, ...doc.container.steps].map((s: any) => s.what)).toEqual(rec.steps);
    ok(u.berthAs(['delete', '--force', c]));
  });

  it('create, state, start, exec, ps, list, kill, delete as the user (pause and update say why not); nothing left', () => {
    const b = bundle(['sh', '-c', 'trap "exit 3" TERM; while :; do sleep 0.1; done']);
    const c = id();
    const cr = u.berthAs(['create', '--bundle', b.dir, c]);
    ok(cr);
    expect(existsSync(join(stateRoot(), c, 'state.json'))).toBe(true);
    expect(state(c).status).toBe('created');
    ok(u.berthAs(['start', c]));
    const st = state(c);
    expect(st.status).toBe('running');
    expect(statSync(`/proc/${st.pid}`).uid).toBe(u.uid);

    const e = u.berthAs(['exec', c, 'sh', '-c', 'id -u; echo in-exec']);
    ok(e);
    expect(e.stdout).toBe('0\nin-exec\n');

    const ps = u.berthAs(['ps', '--format', 'json', c]);
    ok(ps);
    expect(JSON.parse(ps.stdout)).toContain(st.pid);
    const psTable = u.berthAs(['ps', c]);
    ok(psTable);
    expect(psTable.stdout.split('\n')[0]).toMatch(/PID/);
    expect(psTable.stdout).toContain(String(st.pid));

    const list = u.berthAs(['list', '--format', 'json']);
    ok(list);
    expect(JSON.parse(list.stdout).map((x: any) => x.id)).toContain(c);

    // Pausing needs a freezer: a cgroup of its own.
    const p = u.berthAs(['pause', c]);
    expect(p.status).toBe(1);
    expect(p.stderr.trim()).toBe(`container ${c} has no cgroup of its own (rootless, cgroup not delegated): cannot pause it`);
    expect(state(c).status).toBe('running');
    const up = u.berthAs(['update', '--pids-limit', '5', c]);
    expect(up.status).toBe(1);
    expect(up.stderr.trim()).toBe(`update ${c}: the container has no cgroup of its own (rootless, cgroup not delegated): cannot set limits`);

    ok(u.berthAs(['kill', c, 'TERM']));
    for (let i = 0; i < 100 && state(c).status !== 'stopped'; i++) u.run('sleep', ['0.05']);
    expect(state(c).status).toBe('stopped');
    ok(u.berthAs(['delete', c]));
    expect(existsSync(join(stateRoot(), c))).toBe(false);
    expect(alive(st.pid)).toBe(false);
  });

  it('kill --all without a cgroup reaches every process of the container\'s pid namespace', () => {
    const b = bundle(['sh', '-c', 'sleep 1000 & sleep 1001 & wait']);
    const c = id();
    ok(u.berthAs(['run', '-d', '--bundle', b.dir, c]));
    let pids: number[] = [];
    for (let i = 0; i < 100 && pids.length < 3; i++) {
      pids = JSON.parse(u.berthAs(['ps', '--format', 'json', c]).stdout);
      if (pids.length < 3) u.run('sleep', ['0.05']);
    }
    expect(pids).toHaveLength(3);
    ok(u.berthAs(['kill', '--all', c, 'KILL']));
    for (let i = 0; i < 100 && pids.some(alive); i++) u.run('sleep', ['0.05']);
    expect(pids.filter(alive)).toEqual([]);
    ok(u.berthAs(['delete', c]));
  });

  it('subuid/subgid ranges through newuidmap and newgidmap: a second user inside owns files as its subordinate id', () => {
    const range = (own: number, r: { start: number }) => [
      { containerID: 0, hostID: own, size: 1 },
      { containerID: 1, hostID: r.start, size: 65536 },
    ];
    const b = bundle(['sh', '-c', 'id; cat /proc/self/uid_map /proc/self/gid_map; touch /tmp/f; stat -c %u:%g /tmp/f'], (cfg) => {
      cfg.linux.uidMappings = range(u.uid, u.subuid);
      cfg.linux.gidMappings = range(u.gid, u.subgid);
      cfg.process.user = { uid: 1000, gid: 1000, additionalGids: [50] };
      cfg.root.readonly = false;
    });
    chownSync(join(b.dir, 'rootfs', 'tmp'), u.uid, u.gid); // root inside owns /tmp
    const c = id();
    const r = u.berthAs(['run', '--bundle', b.dir, c]);
    ok(r);
    const lines = r.stdout.trim().split('\n');
    expect(lines[0]).toBe('uid=1000(alice) gid=1000(alice) groups=50(staff)');
    expect(lines.slice(1, 5).map((l) => l.trim().split(/\s+/).join(' '))).toEqual([
      `0 ${u.uid} 1`, `1 ${u.subuid.start} 65536`, `0 ${u.gid} 1`, `1 ${u.subgid.start} 65536`,
    ]);
    expect(lines[5]).toBe('1000:1000');
    const host = statSync(join(b.dir, 'rootfs', 'tmp', 'f'));
    expect([host.uid, host.gid]).toEqual([u.subuid.start + 999, u.subgid.start + 999]);
  });

  it('a device node the user cannot make is bound from the host (as runc)', () => {
    const fuse = existsSync('/dev/fuse') ? statSync('/dev/fuse') : undefined;
    const b = bundle(['stat', '-c', '%F %t:%T', '/dev/fuse'], (cfg) => {
      cfg.linux.devices = [{ path: '/dev/fuse', type: 'c', major: 10, minor: 229, fileMode: 0o666 }];
    });
    const r = u.berthAs(['run', '--bundle', b.dir, id()]);
    if (!fuse) {
      expect(r.status).toBe(1);
      return;
    }
    ok(r);
    expect(r.stdout.trim()).toBe('character special file a:e5');
  });

  describe('what the user may not do: one line naming the field, exit 1, nothing left', () => {
    const refused = (edit: (c: any) => void, message: RegExp, globals: string[] = []) => {
      const b = bundle(['true'], edit);
      const c = id();
      const r = u.berthAs([...globals, 'run', '--bundle', b.dir, c]);
      expect(r.status, r.stdout).toBe(1);
      expect(r.stderr.trim().split('\n').filter((l) => !WARNING.test(l))).toHaveLength(1);
      expect(r.stderr).toMatch(message);
      expect(existsSync(join(stateRoot(), c))).toBe(false);
      expect(u.processes()).toEqual([]);
    };

    it('a uid range that /etc/subuid does not give the user', () => {
      refused((c) => {
        c.linux.uidMappings = [{ containerID: 0, hostID: u.uid, size: 1 }, { containerID: 1, hostID: u.subuid.start + u.subuid.count, size: 10 }];
      }, new RegExp(`^config\\.json: /linux/uidMappings/1: host uids ${u.subuid.start + u.subuid.count}-${u.subuid.start + u.subuid.count + 9} are not uid ${u.uid}'s to map: .*/etc/subuid`, 'm'));
    });

    it('another user\'s gid, mapped alone', () => {
      refused((c) => {
        c.linux.gidMappings = [{ containerID: 0, hostID: 0, size: 1 }];
      }, /config\.json: \/linux\/gidMappings\/0: host gids 0 are not gid \d+'s to map/);
    });

    it('additional groups with only its own gid mapped (setgroups is denied)', () => {
      refused((c) => {
        c.process.user = { uid: 0, gid: 0, additionalGids: [0] };
      }, /config\.json: \/process\/user\/additionalGids: .*deny setgroups/);
    });

    it('a sysctl of the host (not namespaced) and one of a namespace the container does not have', () => {
      refused((c) => (c.linux.sysctl = { 'kernel.pid_max': '100000' }), /config\.json: \/linux\/sysctl\/kernel\.pid_max: .*not namespaced/);
      refused((c) => (c.linux.sysctl = { 'net.ipv4.ip_forward': '1' }), /config\.json: \/linux\/sysctl\/net\.ipv4\.ip_forward: .*needs a new network namespace/);
    });

    it('a network namespace path the user does not own', () => {
      refused((c) => c.linux.namespaces.push({ type: 'network', path: '/proc/1/ns/net' }), /config\.json: \/linux\/namespaces\/\d+\/path: join network namespace \/proc\/1\/ns\/net: .*(operation not permitted|permission denied)/);
    });

    it('a cgroupsPath, or a limit, where the cgroup tree is not delegated', () => {
      refused((c) => (c.linux.cgroupsPath = `rl-${process.pid}`), /config\.json: \/linux\/cgroupsPath: cgroup: mkdir .*: permission denied \(rootless: the cgroup tree is not delegated to uid \d+\)/);
      refused((c) => (c.linux.resources = { pids: { limit: 10 } }), /config\.json: \/linux\/resources\/pids: cannot set the limit: the container could not make its cgroup/);
    });

    it('--rootless false: cgroups are not skipped', () => {
      refused(() => {}, /cgroup: mkdir .*: permission denied/, ['--rootless', 'false']);
    });
  });

  it('the state root is /run/berth without XDG_RUNTIME_DIR, which the user cannot write (as runc)', () => {
    const b = bundle(['true']);
    const r = u.berthAs(['run', '--bundle', b.dir, id()], { env: { XDG_RUNTIME_DIR: '' } });
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toMatch(/\/run\/berth.*: permission denied$/);
  });
});
