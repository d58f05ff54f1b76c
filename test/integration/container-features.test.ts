import { describe, it, expect, afterEach } from 'vitest';
import { readFileSync, readdirSync, writeFileSync, chmodSync, existsSync, readlinkSync, rmSync, symlinkSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { berth, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../helpers/bundle.js';

const run = isRoot() && haveBuild() ? describe : describe.skip;

/** Run a shell snippet in a fresh container, return stdout (asserting success). */
function inContainer(script: string, edit?: (c: any, b: TestBundle) => void): { out: string; b: TestBundle } {
  const b = makeBundle(['sh', '-c', script]);
  edit?.(b.config, b);
  b.write();
  const r = berth(b, ['run', '--bundle', b.dir, uniqueId()]);
  expect(r.status, r.stderr).toBe(0);
  return { out: r.stdout, b };
}

run('container features, asserted from inside and from the host', () => {
  const made: TestBundle[] = [];
  afterEach(() => {
    for (const b of made.splice(0)) b.cleanup();
  });
  const check = (script: string, edit?: (c: any, b: TestBundle) => void) => {
    const { out, b } = inContainer(script, edit);
    made.push(b);
    return out;
  };

  it('hostname and domainname in a new uts namespace; the host keeps its own', () => {
    const out = check('hostname; cat /proc/sys/kernel/domainname', (c) => {
      c.hostname = 'inside';
      c.domainname = 'example.test';
    });
    expect(out).toBe('inside\nexample.test\n');
    expect(hostname()).not.toBe('inside');
  });

  it('args, env, cwd and HOME', () => {
    const out = check('echo "$FOO|$PWD|$HOME"', (c) => {
      c.process.env.push('FOO=bar baz');
      c.process.cwd = '/tmp/made/for/cwd';
    });
    expect(out).toBe('bar baz|/tmp/made/for/cwd|/root\n');
  });

  it('user, additional groups and umask', () => {
    const out = check('id -u; id -g; id -G; umask', (c) => {
      c.process.user = { uid: 1000, gid: 1000, additionalGids: [50, 65534], umask: 0o27 };
    });
    expect(out.split('\n').slice(0, 3)).toEqual(['1000', '1000', '1000 50 65534']);
    expect(out.split('\n')[3]).toMatch(/^0?027$/);
  });

  it('capabilities: the five sets as configured', () => {
    const out = check('grep -E "^Cap(Inh|Prm|Eff|Bnd|Amb)" /proc/self/status', (c) => {
      const caps = ['CAP_CHOWN', 'CAP_KILL'];
      c.process.capabilities = { bounding: [...caps, 'CAP_NET_RAW'], effective: caps, permitted: caps, inheritable: caps, ambient: caps };
    });
    expect(out).toContain('CapBnd:\t0000000000002021');
    expect(out).toContain('CapEff:\t0000000000000021');
    expect(out).toContain('CapAmb:\t0000000000000021');
  });

  it('noNewPrivileges and rlimits', () => {
    const out = check('grep NoNewPrivs /proc/self/status; ulimit -n; ulimit -Hn', (c) => {
      c.process.noNewPrivileges = true;
      c.process.rlimits = [{ type: 'RLIMIT_NOFILE', soft: 321, hard: 654 }];
    });
    expect(out).toBe('NoNewPrivs:\t1\n321\n654\n');
  });

  it('read-only root, masked and read-only paths', () => {
    const out = check('touch /x 2>/dev/null && echo root-rw || echo root-ro; stat -c %t:%T /proc/timer_list; echo 1 > /proc/sys/kernel/domainname 2>/dev/null && echo sys-rw || echo sys-ro; ls /sys/firmware | wc -l');
    expect(out).toBe('root-ro\n1:3\nsys-ro\n0\n');
  });

  it('/dev: default devices, symlinks, pts, shm, mqueue', () => {
    const out = check('ls /dev | sort | tr "\\n" " "; echo; readlink /dev/fd; readlink /dev/ptmx; grep -E " /dev/(pts|shm|mqueue) " /proc/self/mountinfo | wc -l; echo x > /dev/null && echo null-ok');
    for (const d of ['full', 'null', 'random', 'tty', 'urandom', 'zero', 'pts', 'shm', 'mqueue', 'fd', 'stdin', 'stdout', 'stderr', 'ptmx']) expect(out).toContain(` ${d} `.trimStart().split(' ')[0]!);
    expect(out).toContain('/proc/self/fd\npts/ptmx\n3\nnull-ok');
  });

  it("stdin that is the host's /dev/null becomes the container's own /dev/null (runc's reOpenDevNull; CRIU needs it); stdout stays", () => {
    // berth() gives the container /dev/null as stdin (the host's) and a file as stdout.
    const out = check('echo "$(stat -L -c %d:%i /proc/self/fd/0) $(stat -c %d:%i /dev/null)"; readlink /proc/self/fd/1');
    const [line, fd1] = out.trim().split('\n');
    const [stdin, own] = line!.split(' ');
    expect(stdin).toBe(own);
    expect(fd1).not.toBe('/dev/null');
  });

  it('a read-only /dev and a read-only tmpfs with a mount under it: filled first, read-only after (as runc)', () => {
    const script = 'grep -E " /dev | /mnt | /mnt/sub " /proc/self/mounts | cut -d" " -f2,4 | cut -d, -f1; ls /dev/pts/ptmx /dev/null; touch /dev/x 2>/dev/null || echo dev-ro; touch /mnt/sub/y && echo sub-rw';
    const out = check(script, (c) => {
      c.mounts.find((m: any) => m.destination === '/dev').options.push('ro');
      c.mounts.push({ destination: '/mnt', type: 'tmpfs', source: 'tmpfs', options: ['ro', 'nosuid', 'size=1m'] });
      c.mounts.push({ destination: '/mnt/sub', type: 'tmpfs', source: 'tmpfs', options: ['nosuid'] });
    });
    expect(out).toBe('/dev ro\n/mnt ro\n/mnt/sub rw\n/dev/null\n/dev/pts/ptmx\ndev-ro\nsub-rw\n');
  });

  it('mount options acl and noacl are mount flags (MS_POSIXACL), not tmpfs data, as runc', () => {
    const out = check('grep -E " /mnt/(a|n) " /proc/self/mountinfo | cut -d" " -f5,9', (c) => {
      c.mounts.push({ destination: '/mnt/a', type: 'tmpfs', source: 'tmpfs', options: ['acl'] });
      c.mounts.push({ destination: '/mnt/n', type: 'tmpfs', source: 'tmpfs', options: ['noacl'] });
    });
    expect(out).toBe('/mnt/a tmpfs\n/mnt/n tmpfs\n');
  });

  it('proc and sysfs only on an ordinary directory: a symlinked /proc or /sys is refused (as runc)', () => {
    for (const dir of ['proc', 'sys']) {
      const b = makeBundle(['true']);
      made.push(b);
      rmSync(join(b.rootfs, dir), { recursive: true });
      symlinkSync('/elsewhere', join(b.rootfs, dir));
      const r = berth(b, ['run', '--bundle', b.dir, uniqueId()]);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(new RegExp(`(proc|sysfs) must be mounted on ordinary directory: /${dir} is a symlink`));
      expect(existsSync(join(b.rootfs, 'elsewhere'))).toBe(false);
    }
  });

  it('linux.devices are created with their mode and owner', () => {
    const out = check('stat -c "%F %t:%T %a %u:%g" /dev/mynull', (c) => {
      c.linux.devices = [{ path: '/dev/mynull', type: 'c', major: 1, minor: 3, fileMode: 0o640, uid: 7, gid: 8 }];
    });
    expect(out).toBe('character special file 1:3 640 7:8\n');
  });

  it('sysctls in the container network namespace, with /proc/sys read-only after (as Docker asks)', () => {
    const out = check('cat /proc/sys/net/ipv4/ip_forward; echo 0 > /proc/sys/net/ipv4/ip_forward 2>/dev/null && echo rw || echo ro', (c) => {
      c.linux.sysctl = { 'net.ipv4.ip_forward': '1' };
      expect(c.linux.readonlyPaths).toContain('/proc/sys');
    });
    expect(out).toBe('1\nro\n');
  });

  it('bind mounts with ro and propagation options', () => {
    const out = check('cat /data/f; touch /data/g 2>/dev/null && echo rw || echo ro', (c, b) => {
      writeFileSync(join(b.dir, 'f'), 'from-host\n');
      c.mounts.push({ destination: '/data', source: b.dir, type: 'bind', options: ['rbind', 'ro', 'rprivate'] });
    });
    expect(out).toBe('from-host\nro\n');
  });

  it('oomScoreAdj', () => {
    expect(check('cat /proc/self/oom_score_adj', (c) => (c.process.oomScoreAdj = 123))).toBe('123\n');
  });

  it('user namespace: root inside, the mapped uid outside', () => {
    const b = makeBundle(['sleep', '100'], (c) => {
      c.linux.namespaces.push({ type: 'user' });
      c.linux.uidMappings = [{ containerID: 0, hostID: 200000, size: 65536 }];
      c.linux.gidMappings = [{ containerID: 0, hostID: 200000, size: 65536 }];
      // sysfs cannot be mounted from a user namespace without a new network namespace owner; keep it simple.
      c.mounts = c.mounts.filter((m: any) => !['/sys', '/sys/fs/cgroup'].includes(m.destination));
    });
    made.push(b);
    const id = uniqueId();
    const r = berth(b, ['run', '-d', '--bundle', b.dir, id]);
    expect(r.status, r.stderr).toBe(0);
    const pid = JSON.parse(berth(b, ['state', id]).stdout).pid;
    expect(readFileSync(`/proc/${pid}/uid_map`, 'utf8').trim().split(/\s+/)).toEqual(['0', '200000', '65536']);
    expect(readFileSync(`/proc/${pid}/status`, 'utf8')).toMatch(/Uid:\t200000/);
    const e = berth(b, ['exec', id, 'id', '-u']);
    expect(e.stdout).toBe('0\n');
  });

  it('namespaces differ from the host; a namespace given by path is joined', () => {
    const b = makeBundle(['sleep', '100']);
    made.push(b);
    const id = uniqueId();
    expect(berth(b, ['run', '-d', '--bundle', b.dir, id]).status).toBe(0);
    const pid = JSON.parse(berth(b, ['state', id]).stdout).pid;
    for (const ns of ['pid', 'net', 'ipc', 'uts', 'mnt', 'cgroup']) {
      expect(readlinkSync(`/proc/${pid}/ns/${ns}`)).not.toBe(readlinkSync(`/proc/self/ns/${ns}`));
    }
    const b2 = makeBundle(['sh', '-c', 'readlink /proc/self/ns/net'], (c) => {
      c.linux.namespaces = c.linux.namespaces.map((n: any) => (n.type === 'network' ? { type: 'network', path: `/proc/${pid}/ns/net` } : n));
    });
    made.push(b2);
    const r = berth(b2, ['run', '--bundle', b2.dir, uniqueId()]);
    expect(r.stdout.trim()).toBe(readlinkSync(`/proc/${pid}/ns/net`));
  });

  it('exec joins the container: same namespaces, env and args', () => {
    const b = makeBundle(['sleep', '100'], (c) => (c.hostname = 'exec-host'));
    made.push(b);
    const id = uniqueId();
    expect(berth(b, ['run', '-d', '--bundle', b.dir, id]).status).toBe(0);
    const r = berth(b, ['exec', '--env', 'X=1', id, 'sh', '-c', 'echo $X $(hostname); exit 5']);
    expect(r.stdout).toBe('1 exec-host\n');
    expect(r.status).toBe(5);
    const pidFile = join(b.dir, 'exec.pid');
    const d = berth(b, ['exec', '-d', '--pid-file', pidFile, id, 'sleep', '50']);
    expect(d.status, d.stderr).toBe(0);
    const execPid = Number(readFileSync(pidFile, 'utf8'));
    expect(readlinkSync(`/proc/${execPid}/ns/pid`)).toBe(readlinkSync(`/proc/${JSON.parse(berth(b, ['state', id]).stdout).pid}/ns/pid`));
  });

  it('exec --process reads an OCI process object', () => {
    const b = makeBundle(['sleep', '100']);
    made.push(b);
    const id = uniqueId();
    expect(berth(b, ['run', '-d', '--bundle', b.dir, id]).status).toBe(0);
    const p = join(b.dir, 'process.json');
    writeFileSync(p, JSON.stringify({ args: ['sh', '-c', 'id -u; pwd'], cwd: '/tmp', user: { uid: 1000, gid: 1000 }, env: ['PATH=/bin'] }));
    const r = berth(b, ['exec', '--process', p, id]);
    expect(r.stdout).toBe('1000\n/tmp\n');
  });

  it('hooks run at their moments with the state on stdin', () => {
    const b = makeBundle(['sh', '-c', 'echo main']);
    made.push(b);
    const log = join(b.dir, 'hooks.log');
    const hook = join(b.dir, 'hook.sh');
    // The hook records its name, the status field of the state it got, and whether it sees the bundle.
    writeFileSync(hook, `#!/bin/sh\nstate=$(cat)\nstatus=$(echo "$state" | sed -n 's/.*"status":"\\([a-z]*\\)".*/\\1/p')\necho "$1 $status" >> ${log}\n`);
    chmodSync(hook, 0o755);
    const h = (name: string) => [{ path: hook, args: ['hook.sh', name] }];
    b.config.hooks = {
      prestart: h('prestart'),
      createRuntime: h('createRuntime'),
      poststart: h('poststart'),
      poststop: h('poststop'),
    };
    b.write();
    const r = berth(b, ['run', '--bundle', b.dir, uniqueId()]);
    expect(r.status, r.stderr).toBe(0);
    expect(readFileSync(log, 'utf8')).toBe('prestart created\ncreateRuntime created\npoststart running\npoststop stopped\n');
  });

  it('hook failures: poststart fails start and stops the container (runtime.md lifecycle 9), poststop warns and the lifecycle goes on; startContainer fails start and stops the container', () => {
    const b = makeBundle(['sh', '-c', 'echo main']);
    made.push(b);
    const fail = (msg: string) => [{ path: '/bin/sh', args: ['sh', '-c', `echo ${msg} >&2; exit 7`] }];
    b.config.hooks = { poststart: fail('post-start-no'), poststop: fail('post-stop-no') };
    b.write();
    const r = berth(b, ['run', '--bundle', b.dir, uniqueId()]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/poststart hook 0 \(\/bin\/sh\): exit status 7: post-start-no \(the container was stopped\)/);
    expect(r.stderr).toMatch(/level=warning msg="poststop hook 0 \(\/bin\/sh\): exit status 7: post-stop-no"/);
    expect(readdirSync(b.root)).toEqual([]);

    const b2 = makeBundle(['sleep', '60']);
    made.push(b2);
    b2.config.hooks = { startContainer: [{ path: '/bin/sh', args: ['sh', '-c', 'exit 9'] }] };
    b2.write();
    const id = uniqueId();
    expect(berth(b2, ['create', '--bundle', b2.dir, id]).status).toBe(0);
    const s = berth(b2, ['start', id]);
    expect(s.status).toBe(1);
    expect(s.stderr).toMatch(/startContainer hook 0.*exit status 9/);
    expect(JSON.parse(berth(b2, ['state', id]).stdout).status).toBe('stopped');
  });

  it('createContainer and startContainer hooks run inside the container namespaces', () => {
    const b = makeBundle(['true'], (c) => (c.hostname = 'hooked'));
    made.push(b);
    // The hook binary must exist inside the container for createContainer/startContainer.
    writeFileSync(join(b.rootfs, 'hook.sh'), '#!/bin/sh\ncat > /dev/null\necho "$1 $(hostname)" >> /hooks.log\n');
    chmodSync(join(b.rootfs, 'hook.sh'), 0o755);
    b.config.root.readonly = false;
    // createContainer: path resolved in the runtime namespace, run in the container's mount
    // namespace before pivot_root, where the container's /proc mount is visible under the rootfs.
    const cc = `cat >/dev/null; grep -q " ${b.rootfs}/proc " /proc/self/mountinfo && echo createContainer-sees-container-mounts >> ${b.rootfs}/hooks.log`;
    b.config.hooks = {
      createContainer: [{ path: '/bin/sh', args: ['sh', '-c', cc] }],
      startContainer: [{ path: '/hook.sh', args: ['hook.sh', 'startContainer'] }],
    };
    b.write();
    const r = berth(b, ['run', '--bundle', b.dir, uniqueId()]);
    expect(r.status, r.stderr).toBe(0);
    expect(existsSync(join(b.rootfs, 'hooks.log'))).toBe(true);
    expect(readFileSync(join(b.rootfs, 'hooks.log'), 'utf8')).toBe('createContainer-sees-container-mounts\nstartContainer hooked\n');
  });
});
