// The cmake-js-built addon (build/cmake/berth.node, copied to dist/native/ by npm run build):
// it loads, exports every function, and each one behaves as src/native/addon.ts says. No root,
// no berth-init: processes are started with spawnInit from system executables (/bin/true,
// /bin/sleep), which shows the spawn mechanics without the init (test/integration/spawn-init
// runs the real one).
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, writeFileSync, openSync, closeSync } from 'node:fs';
import { createRequire } from 'node:module';
import { release, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Native } from '../../src/native/addon.js';
import { isErrno, isInitReport } from '../../src/native/errors.js';
import { settledFds, writeRefused } from '../helpers/procfs.js';

const REPO = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const ADDON = join(REPO, 'build/cmake/berth.node');
const NODE = process.execPath;

/** Every export of the addon, as typed by `Native`. */
const EXPORTS: (keyof Native)[] = [
  'spawnInit', 'syncRecv', 'syncSend', 'closeFd', 'socketPair', 'waitPid', 'waitPidAsync', 'signalPid',
  'setSubreaper', 'lockFile', 'startContainer', 'connectUnix', 'listenUnix', 'acceptFd', 'recvFd',
  'seccompCompile', 'seccompProbe', 'sendFdMessage', 'recvFdMessage', 'seccompNotifyRecv', 'seccompNotifyRespond',
  'attachDeviceProgram', 'attachedDevicePrograms', 'idmapProbe', 'syscallProbe', 'pidfdOpen', 'pidfdSignal',
  'netLinkGet', 'netAddrs', 'netLinkSet', 'netAddrAdd',
];

function load(): Native {
  if (!existsSync(ADDON)) throw new Error(`${ADDON} is missing: run npm run build (or npx cmake-js compile --directory addon --out build/cmake)`);
  return createRequire(import.meta.url)(ADDON) as Native;
}

/** What a call threw (fails the test when it did not throw). */
function thrown(f: () => unknown): any {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an exception');
}

/** Run a script in a child Node (CommonJS, `addon` bound to the addon); returns its output. */
function inChild(script: string, input?: string, stdio: any[] = ['pipe', 'pipe', 'pipe']) {
  const code = `const addon = require(${JSON.stringify(ADDON)});\n${script}`;
  return spawnSync(NODE, ['-e', code], { input, stdio, encoding: 'utf8', timeout: 15_000 });
}

/** open flags of one of this process's fds (fdinfo shows them in octal). */
function fdFlags(fd: number): number {
  return parseInt(/^flags:\s+([0-7]+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'))![1]!, 8);
}

let n: Native;
let dir: string;
beforeAll(() => {
  n = load();
  dir = mkdtempSync(join(tmpdir(), 'berth-addon-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('loading', () => {
  it('loads and exports every function', () => {
    for (const f of EXPORTS) expect(typeof n[f], f).toBe('function');
    expect(Object.keys(n).sort()).toEqual([...EXPORTS].sort());
  });

  it('the loader in dist/native/addon.js finds the copy beside it', async () => {
    const compiled = join(REPO, 'dist/native/addon.js');
    if (!existsSync(compiled)) throw new Error('dist/native/addon.js is missing: run npm run build');
    const mod = await import(compiled);
    const d = mod.native() as Native;
    for (const f of EXPORTS) expect(typeof d[f], f).toBe('function');
    expect(mod.native()).toBe(d); // loaded once
    expect(mod.initImage()).toBe(join(REPO, 'dist/native/berth-init'));
  });

  it('needs no shared library but glibc (libseccomp and libstdc++ are linked in: the single executable carries it)', () => {
    const r = spawnSync('readelf', ['-d', join(REPO, 'dist/native/berth.node')], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const needed = [...r.stdout.matchAll(/\(NEEDED\)\s+Shared library: \[([^\]]+)\]/g)].map((m) => m[1]);
    expect(needed.length).toBeGreaterThan(0);
    expect(needed.filter((l) => !/^(libc\.so\.6|ld-linux-[\w-]+\.so\.\d)$/.test(l!))).toEqual([]);
  });

  it('argument errors are TypeErrors', () => {
    expect(thrown(() => (n.closeFd as any)('x'))).toBeInstanceOf(TypeError);
    expect(thrown(() => (n.spawnInit as any)('/bin/true', 'not a buffer', 0))).toBeInstanceOf(TypeError);
    expect(thrown(() => n.spawnInit('/bin/true', Buffer.alloc(0), -1))).toBeInstanceOf(RangeError);
  });
});

describe('syscallProbe', () => {
  it('finds pidfd_open, openat2 and clone3 CLONE_INTO_CGROUP on a kernel that has them, leaving no fd and no process', () => {
    const [maj, min] = release().split('.').map(Number) as [number, number];
    const atLeast = (a: number, b: number) => maj > a || (maj === a && min >= b);
    const fds = readdirSync('/proc/self/fd').length;
    const r = n.syscallProbe();
    expect(readdirSync('/proc/self/fd').length).toBe(fds);
    // The kernel's version is the independent witness (pidfd_open 5.3, openat2 5.6, CLONE_INTO_CGROUP 5.7).
    expect(r).toEqual({ pidfd_open: atLeast(5, 3) ? '' : 'ENOSYS', openat2: atLeast(5, 6) ? '' : 'ENOSYS', clone_into_cgroup: atLeast(5, 7) ? '' : expect.any(String) });
  });
});

describe('errors', () => {
  it('carry errno, code, syscall, path and a "<syscall> <path>: <strerror>" message', () => {
    const e = thrown(() => n.lockFile(join(dir, 'missing/dir/lock'), false));
    expect(e).toBeInstanceOf(Error);
    expect(e.message).toBe(`open ${join(dir, 'missing/dir/lock')}: No such file or directory`);
    expect(e.errno).toBe(2);
    expect(e.code).toBe('ENOENT');
    expect(e.syscall).toBe('open');
    expect(e.path).toBe(join(dir, 'missing/dir/lock'));
    expect(isErrno(e, 'ENOENT')).toBe(true);
    expect(isErrno(e, 'EPERM')).toBe(false);
    expect(isErrno('ENOENT', 'ENOENT')).toBe(false);
    expect(isErrno(null, 'ENOENT')).toBe(false);
  });

  it('without a path: "<syscall>: <strerror>"', () => {
    const e = thrown(() => n.closeFd(1_000_000));
    expect(e.message).toBe('close: Bad file descriptor');
    expect(e.code).toBe('EBADF');
    expect(e.path).toBeUndefined();
  });
});

describe('lockFile', () => {
  const tryLock = (path: string) =>
    inChild(`try { addon.lockFile(${JSON.stringify(path)}, false); console.log('locked'); } catch (e) { console.log(e.code); }`).stdout.trim();

  it('excludes a non-waiting lock from another process until closed', () => {
    const path = join(dir, 'a.lock');
    const fd = n.lockFile(path, false);
    expect(fd).toBeGreaterThan(2);
    expect(tryLock(path)).toBe('EAGAIN');
    n.closeFd(fd);
    expect(tryLock(path)).toBe('locked'); // and released again when that process exited
    expect(tryLock(path)).toBe('locked');
  });

  it('a waiting lock blocks until the holder releases it', async () => {
    const path = join(dir, 'b.lock');
    const fd = n.lockFile(path, false);
    const child = spawn(NODE, ['-e', `const a = require(${JSON.stringify(ADDON)}); a.lockFile(${JSON.stringify(path)}, true); console.log('got ' + Date.now());`], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (d) => (out += d));
    const done = new Promise<number | null>((resolve) => child.on('exit', resolve));
    await new Promise((r) => setTimeout(r, 400));
    expect(out).toBe(''); // still waiting
    const released = Date.now();
    n.closeFd(fd);
    expect(await done).toBe(0);
    expect(Number(out.trim().split(' ')[1])).toBeGreaterThanOrEqual(released);
  });

  it('the lock fd is close-on-exec and the file is 0600', () => {
    const path = join(dir, 'c.lock');
    const fd = n.lockFile(path, true);
    try {
      expect(fdFlags(fd) & 0o2000003).toBe(0o2000002); // O_CLOEXEC | O_RDWR
      expect(spawnSync('stat', ['-c', '%a', path], { encoding: 'utf8' }).stdout.trim()).toBe('600');
    } finally {
      n.closeFd(fd);
    }
  });
});

describe('sync socket', () => {
  it('syncSend/syncRecv round trip, one datagram each; null at EOF', () => {
    const [a, b] = n.socketPair();
    try {
      n.syncSend(a, 'pid\t42');
      n.syncSend(a, 'continue\t{"id":"ü"}');
      const big = 'x'.repeat(60_000);
      n.syncSend(a, big);
      expect(n.syncRecv(b, 1000)).toBe('pid\t42');
      expect(n.syncRecv(b, 1000)).toBe('continue\t{"id":"ü"}');
      expect(n.syncRecv(b, 1000)).toBe(big);
      n.syncSend(b, 'abort');
      expect(n.syncRecv(a, -1)).toBe('abort');
      n.closeFd(a);
      expect(n.syncRecv(b, 1000)).toBeNull();
    } finally {
      n.closeFd(b);
    }
  });

  it('syncRecv times out with ETIMEDOUT', () => {
    const [a, b] = n.socketPair();
    try {
      const t0 = Date.now();
      const e = thrown(() => n.syncRecv(b, 100));
      expect(e.code).toBe('ETIMEDOUT');
      expect(Date.now() - t0).toBeGreaterThanOrEqual(90);
    } finally {
      n.closeFd(a);
      n.closeFd(b);
    }
  });

  it('syncSend to a closed peer throws EPIPE (no SIGPIPE)', () => {
    const [a, b] = n.socketPair();
    n.closeFd(b);
    expect(thrown(() => n.syncSend(a, 'x')).code).toBe('EPIPE');
    n.closeFd(a);
  });

  it('socketPair fds are close-on-exec', () => {
    const [a, b] = n.socketPair();
    for (const fd of [a, b]) expect(fdFlags(fd) & 0o2000000).toBe(0o2000000);
    n.closeFd(a);
    n.closeFd(b);
  });
});

describe('spawnInit mechanics (system executables in place of berth-init)', () => {
  it('runs the executable and returns its pid and the runtime end of the sync socket', () => {
    const { pid, syncFd, intoCgroup, clone3Error } = n.spawnInit('/bin/true', Buffer.from('plan'), 0);
    expect(pid).toBeGreaterThan(0);
    expect(intoCgroup).toBe(false); // no cgroupDir: a plain fork
    expect(clone3Error).toBeUndefined();
    expect(n.syncRecv(syncFd, 5000)).toBeNull(); // the child's end closed at exit
    expect(n.waitPid(pid)).toEqual({ code: 0, signal: null });
    n.closeFd(syncFd);
    const f = n.spawnInit('/bin/false', Buffer.alloc(0), 0);
    expect(n.waitPid(f.pid)).toEqual({ code: 1, signal: null });
    n.closeFd(f.syncFd);
  });

  it('argv, fds, environment, sealed executable and plan as documented', () => {
    // /bin/sleep reads argv ["berth-init", SYNC_FD, PLAN_FD] as 3 + 4 seconds.
    const plan = Buffer.from('BPLN the plan bytes');
    const { pid, syncFd } = n.spawnInit('/bin/sleep', plan, 0);
    try {
      // Wait for the exec (the comm becomes the memfd's name).
      for (let i = 0; i < 200 && readFileSync(`/proc/${pid}/cmdline`, 'latin1') !== 'berth-init\x003\x004\x00'; i++) spawnSync('sleep', ['0.01']);
      expect(readFileSync(`/proc/${pid}/cmdline`, 'latin1')).toBe('berth-init\x003\x004\x00');
      expect(readFileSync(`/proc/${pid}/environ`, 'latin1')).toBe('');
      // CVE-2019-5736: the executable is a sealed memfd copy, never the host file.
      expect(readlinkSync(`/proc/${pid}/exe`)).toMatch(/^\/memfd:berth-init \(deleted\)$/);
      expect(writeRefused(`/proc/${pid}/exe`)).toMatch(/^(ETXTBSY|EPERM)$/);
      // Exactly stdio, the sync socket (3) and the plan memfd (4); the plan is all there.
      expect(settledFds(pid, [0, 1, 2, 3, 4])).toEqual([0, 1, 2, 3, 4]);
      expect(readlinkSync(`/proc/${pid}/fd/3`)).toMatch(/^socket:/);
      expect(readlinkSync(`/proc/${pid}/fd/4`)).toBe('/memfd:berth-plan (deleted)');
      expect(readFileSync(`/proc/${pid}/fd/4`)).toEqual(plan);
      // Signals: nothing blocked or ignored (Node ignores SIGPIPE; the child must not).
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      expect(status).toMatch(/^SigBlk:\s+0+$/m);
      expect(status).toMatch(/^SigIgn:\s+0+$/m);
    } finally {
      n.signalPid(pid, 9);
      expect(n.waitPid(pid)).toEqual({ code: null, signal: 9 });
      n.closeFd(syncFd);
    }
  });

  it('preserved fds 3..3+N-1 are inherited, sync and plan fds come after them', () => {
    const file = join(dir, 'preserved');
    writeFileSync(file, '');
    const fd = openSync(file, 'r');
    try {
      // A child Node whose fd 3 is the file (Node opens it close-on-exec: spawnInit clears that).
      const r = inChild(
        `const fs = require('fs');
const { pid, syncFd } = addon.spawnInit('/bin/sleep', Buffer.from('p'), 1);
const nap = () => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 10);
for (let i = 0; i < 500 && fs.readFileSync('/proc/' + pid + '/cmdline', 'latin1') !== 'berth-init\\x004\\x005\\x00'; i++) nap();
// ld.so and sleep's start open and close files of their own (fd 6 for a moment): a snapshot
// counts once every fd listed could be read and there are the six that stay.
let out = {};
for (let i = 0; i < 500; i++) {
  out = {};
  let whole = true;
  for (const f of fs.readdirSync('/proc/' + pid + '/fd')) {
    try { out[f] = fs.readlinkSync('/proc/' + pid + '/fd/' + f); } catch { whole = false; }
  }
  if (whole && Object.keys(out).length === 6) break;
  nap();
}
addon.signalPid(pid, 9);
addon.waitPid(pid);
console.log(JSON.stringify(out));`,
        undefined,
        ['ignore', 'pipe', 'pipe', fd],
      );
      expect(r.stderr).toBe('');
      const fds = JSON.parse(r.stdout);
      expect(Object.keys(fds).sort()).toEqual(['0', '1', '2', '3', '4', '5']);
      expect(fds['3']).toBe(file);
      expect(fds['4']).toMatch(/^socket:/);
      expect(fds['5']).toBe('/memfd:berth-plan (deleted)');
    } finally {
      closeSync(fd);
    }
  });

  it('an exec failure is reported on the sync socket as error\\t-1\\texecveat', () => {
    const notExecutable = join(dir, 'not-elf');
    writeFileSync(notExecutable, 'just text\n');
    const { pid, syncFd } = n.spawnInit(notExecutable, Buffer.alloc(0), 0);
    expect(n.syncRecv(syncFd, 5000)).toBe('error\t-1\texecveat\t8\t'); // ENOEXEC
    expect(n.waitPid(pid)).toEqual({ code: 127, signal: null });
    n.closeFd(syncFd);
  });

  it('cgroupDir: checked, opened, and a clone3 refusal is thrown naming the dir (no fd left open)', () => {
    const fdsBefore = readdirSync('/proc/self/fd').length;
    expect(thrown(() => (n.spawnInit as any)('/bin/true', Buffer.alloc(0), 0, 7))).toBeInstanceOf(TypeError);
    expect(thrown(() => n.spawnInit('/bin/true', Buffer.alloc(0), 0, 'relative/cgroup'))).toBeInstanceOf(TypeError);
    const missing = join(dir, 'no-such-cgroup');
    const e = thrown(() => n.spawnInit('/bin/true', Buffer.alloc(0), 0, missing));
    expect([e.code, e.syscall, e.path]).toEqual(['ENOENT', 'open', missing]);
    // A plain dir is no cgroup v2 dir: clone3 fails EBADF, which is not "unsupported", so it is
    // thrown and nothing is started. (A kernel without clone3 CLONE_INTO_CGROUP forks instead.)
    let r: ReturnType<Native['spawnInit']> | undefined;
    const refused = thrown(() => {
      r = n.spawnInit('/bin/true', Buffer.alloc(0), 0, dir);
      throw new Error('started');
    });
    if (r) {
      expect(r.intoCgroup).toBe(false);
      expect(['ENOSYS', 'E2BIG', 'EINVAL']).toContain(r.clone3Error);
      n.waitPid(r.pid);
      n.closeFd(r.syncFd);
    } else {
      expect([refused.code, refused.syscall, refused.path]).toEqual(['EBADF', 'clone3', dir]);
      expect(refused.message).toBe(`clone3 ${dir}: Bad file descriptor`);
    }
    expect(readdirSync('/proc/self/fd').length).toBe(fdsBefore);
  });

  it('a missing executable throws before any fork', () => {
    const e = thrown(() => n.spawnInit(join(dir, 'nope'), Buffer.alloc(0), 0));
    expect(e.code).toBe('ENOENT');
    expect(e.syscall).toBe('open');
    expect(e.path).toBe(join(dir, 'nope'));
  });
});

describe('processes', () => {
  it('signalPid on a dead pid throws ESRCH', () => {
    const { pid, syncFd } = n.spawnInit('/bin/true', Buffer.alloc(0), 0);
    n.closeFd(syncFd);
    n.waitPid(pid);
    const e = thrown(() => n.signalPid(pid, 0));
    expect(e.code).toBe('ESRCH');
    expect(isErrno(e, 'ESRCH')).toBe(true);
    expect(thrown(() => n.signalPid(0, 0)).code).toBe('ESRCH');
  });

  it('pidfdOpen + pidfdSignal: the fd keeps naming its process; a reaped one is ESRCH', () => {
    const { pid, syncFd } = n.spawnInit('/bin/sleep', Buffer.alloc(0), 0);
    n.closeFd(syncFd);
    const fd = n.pidfdOpen(pid);
    n.pidfdSignal(fd, 9);
    expect(n.waitPid(pid)).toEqual({ code: null, signal: 9 });
    // Reaped: the pidfd names the dead process, never whatever gets its pid next.
    expect(thrown(() => n.pidfdSignal(fd, 0)).code).toBe('ESRCH');
    n.closeFd(fd);
    const e = thrown(() => n.pidfdOpen(pid));
    expect([e.code, e.syscall]).toEqual(['ESRCH', 'pidfd_open']);
    expect(thrown(() => n.pidfdOpen(0)).code).toBe('ESRCH');
  });

  it('waitPidAsync resolves on a worker thread while the event loop runs', async () => {
    const { pid, syncFd } = n.spawnInit('/bin/sleep', Buffer.alloc(0), 0);
    n.closeFd(syncFd);
    const waiting = n.waitPidAsync(pid);
    expect(waiting).toBeInstanceOf(Promise);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 10);
    await new Promise((r) => setTimeout(r, 100));
    n.signalPid(pid, 15);
    const st = await waiting;
    clearInterval(timer);
    expect(st).toEqual({ code: null, signal: 15 });
    expect(ticks).toBeGreaterThan(3);
  });

  it('pidfdOpen names the process in its fdinfo; pidfdSignal through it; ESRCH once it is gone', async () => {
    const { pid, syncFd } = n.spawnInit('/bin/sleep', Buffer.alloc(0), 0);
    n.closeFd(syncFd);
    const fd = n.pidfdOpen(pid);
    try {
      expect(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8')).toMatch(new RegExp(`^Pid:\\s+${pid}$`, 'm'));
      n.pidfdSignal(fd, 15);
      expect(n.waitPid(pid)).toEqual({ code: null, signal: 15 });
      expect(thrown(() => n.pidfdSignal(fd, 0)).code).toBe('ESRCH');
    } finally {
      n.closeFd(fd);
    }
    expect(thrown(() => n.pidfdOpen(pid)).code).toBe('ESRCH');
  });

  it('waitPidAsync with reapOthers reaps other children until the one asked for ends (in a child process)', () => {
    const r = inChild(`
      const fs = require('fs');
      const other = addon.spawnInit('/bin/true', Buffer.alloc(0), 0);
      addon.closeFd(other.syncFd);
      const t = addon.spawnInit('/bin/sleep', Buffer.alloc(0), 0);
      addon.closeFd(t.syncFd);
      addon.waitPidAsync(t.pid, true).then((st) => console.log(JSON.stringify(st)));
      // /bin/true's /proc entry goes only once it is reaped: by the wait, nobody else waits here.
      const poll = () => {
        if (fs.existsSync('/proc/' + other.pid)) return setTimeout(poll, 10);
        console.log('reaped');
        addon.signalPid(t.pid, 9);
      };
      poll();
    `);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('reaped\n{"code":null,"signal":9}\n');
  });

  it('waitPid of a process that is not our child throws ECHILD', () => {
    expect(thrown(() => n.waitPid(1)).code).toBe('ECHILD');
  });

  it('waitPidAsync of a process that is not our child rejects with ECHILD', async () => {
    await expect(n.waitPidAsync(1)).rejects.toMatchObject({ code: 'ECHILD', syscall: 'waitpid' });
  });

  it('setSubreaper works (in a child process: it changes who reaps orphans)', () => {
    const r = inChild(`addon.setSubreaper(); console.log('ok');`);
    expect(r.stderr).toBe('');
    expect(r.stdout.trim()).toBe('ok');
  });
});

describe('unix sockets', () => {
  it('listenUnix/connectUnix/acceptFd, also for a path longer than sun_path', () => {
    const long = join(dir, 'd'.repeat(60), 'e'.repeat(60));
    spawnSync('mkdir', ['-p', long]);
    for (const path of [join(dir, 'console.sock'), join(long, 'console.sock')]) {
      const l = n.listenUnix(path);
      const c = n.connectUnix(path);
      const a = n.acceptFd(l, 1000);
      expect(readlinkSync(`/proc/self/fd/${a}`)).toMatch(/^socket:/);
      expect(existsSync(path)).toBe(true);
      for (const fd of [a, c, l]) n.closeFd(fd);
    }
  });

  it('acceptFd and recvFd time out with ETIMEDOUT', () => {
    const path = join(dir, 'idle.sock');
    const l = n.listenUnix(path);
    expect(thrown(() => n.acceptFd(l, 50)).code).toBe('ETIMEDOUT');
    const c = n.connectUnix(path);
    const a = n.acceptFd(l, 1000);
    expect(thrown(() => n.recvFd(a, 50)).code).toBe('ETIMEDOUT');
    for (const fd of [a, c, l]) n.closeFd(fd);
  });

  it('connect failures: ENOENT (no socket), ECONNREFUSED (nobody listening)', () => {
    const e = thrown(() => n.connectUnix(join(dir, 'none.sock')));
    expect(e.code).toBe('ENOENT');
    expect(e.syscall).toBe('connect');
    const path = join(dir, 'closed.sock');
    n.closeFd(n.listenUnix(path));
    expect(thrown(() => n.connectUnix(path)).code).toBe('ECONNREFUSED');
  });

  it('startContainer: nobody waiting is ENOENT or ECONNREFUSED, never an init report', () => {
    const e = thrown(() => n.startContainer(join(dir, 'start.sock'), 1000));
    expect(e.code).toBe('ENOENT');
    expect(isInitReport(e)).toBe(false);
    const path = join(dir, 'gone.sock');
    n.closeFd(n.listenUnix(path));
    expect(['ECONNREFUSED', 'EPROTOTYPE']).toContain(thrown(() => n.startContainer(path, 1000)).code);
  });
});

describe('rtnetlink (reads only: the loopback device of this network namespace)', () => {
  it('netLinkGet finds a device by name and by index; null for none', () => {
    const lo = n.netLinkGet(-1, 'lo')!;
    expect(lo.name).toBe('lo');
    expect(n.netLinkGet(-1, lo.index)).toEqual(lo);
    expect(n.netLinkGet(-1, 'berthNoSuchDev')).toBeNull();
    expect(n.netLinkGet(-1, 0x7ffffff0)).toBeNull();
  });

  it('netAddrs lists the device\'s addresses with family, prefix, scope and flags', () => {
    const lo = n.netLinkGet(-1, 'lo')!;
    const v4 = n.netAddrs(-1, lo.index).find((a) => a.family === 4);
    // 127.0.0.1/8, host scope (254), permanent (IFA_F_PERMANENT 0x80).
    expect(v4).toMatchObject({ family: 4, prefixlen: 8, scope: 254, local: '127.0.0.1', address: '127.0.0.1' });
    expect(v4!.flags & 0x80).toBe(0x80);
  });

  it('a namespace fd that is not one fails with the errno of setns', () => {
    const fd = openSync(ADDON, 'r');
    try {
      const e = thrown(() => n.netLinkGet(fd, 'lo'));
      expect(e.code).toBe('EINVAL');
      expect(e.syscall).toBe('netlink RTM_GETLINK');
    } finally {
      closeSync(fd);
    }
  });
});
