// spawnInit with the real berth-init (dist/native/, from npm run build) and tiny plans: the
// process model of docs/PLAN-FORMAT.md end to end without a container (no namespaces, no
// rootfs), driven through the addon exactly as src/runtime/init-session.ts drives it.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readSync, readlinkSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Native } from '../../src/native/addon.js';
import { isInitReport } from '../../src/native/errors.js';
import { encodePlan } from '../../src/plan/encode.js';
import type { OpName, PlanOp } from '../../src/plan/ops.js';
import { settledFds, writeRefused } from '../helpers/procfs.js';

const REPO = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const ADDON = join(REPO, 'dist/native/berth.node');
const INIT = join(REPO, 'dist/native/berth-init');
const built = existsSync(ADDON) && existsSync(INIT);
const TIMEOUT = 10_000;

const op = (name: OpName, ...args: string[]): PlanOp => ({ op: name, args, what: name.toLowerCase() });
/** EXEC op: path, nargs, args..., env... */
const exec = (args: string[], env: string[] = []): PlanOp => op('EXEC', args[0]!, String(args.length), ...args, ...env);

let n: Native;
let dir: string;

/** Every message the init sends until EOF. */
function drain(fd: number): string[] {
  const out: string[] = [];
  for (let m = n.syncRecv(fd, TIMEOUT); m !== null; m = n.syncRecv(fd, TIMEOUT)) out.push(m);
  return out;
}

function thrown(f: () => unknown): any {
  try {
    f();
  } catch (e) {
    return e;
  }
  throw new Error('expected an exception');
}

describe.skipIf(!built)('berth-init started by spawnInit', () => {
  beforeAll(() => {
    n = createRequire(import.meta.url)(ADDON) as Native;
    dir = mkdtempSync(join(tmpdir(), 'berth-spawn-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('a plan of one EXEC of /bin/true: the init execs it, the runtime reads EOF, exit 0', () => {
    const { pid, syncFd } = n.spawnInit(INIT, encodePlan([exec(['/bin/true'])]), 0);
    try {
      expect(drain(syncFd)).toEqual([]);
      expect(n.waitPid(pid)).toEqual({ code: 0, signal: null });
    } finally {
      n.closeFd(syncFd);
    }
  });

  it('an EXEC of a missing path yields an error datagram with the op index, syscall and errno', () => {
    const plan = [op('UMASK', '022'), exec(['/nonexistent/berth-test'])];
    const { pid, syncFd } = n.spawnInit(INIT, encodePlan(plan), 0);
    try {
      expect(drain(syncFd)).toEqual(['error\t1\texecve\t2\t/nonexistent/berth-test']);
      expect(n.waitPid(pid)).toEqual({ code: 1, signal: null });
    } finally {
      n.closeFd(syncFd);
    }
  });

  it('a malformed plan is reported as op -1, syscall "plan"', () => {
    const { pid, syncFd } = n.spawnInit(INIT, Buffer.from('not a plan'), 0);
    try {
      const msgs = drain(syncFd);
      expect(msgs).toHaveLength(1);
      expect(msgs[0]).toMatch(/^error\t-1\tplan\t\d+\t/);
      expect(n.waitPid(pid)).toEqual({ code: 1, signal: null });
    } finally {
      n.closeFd(syncFd);
    }
  });

  it('EXEC passes args and exactly the plan environment', () => {
    const out = join(dir, 'args-env');
    const plan = [exec(['/bin/sh', '-c', 'printf "%s|%s|%s" "$0" "$FOO" "$(env | sort | tr "\\n" ,)" > "$1"', 'zero', out], ['FOO=bar baz', 'PATH=/usr/bin:/bin'])];
    const { pid, syncFd } = n.spawnInit(INIT, encodePlan(plan), 0);
    try {
      expect(drain(syncFd)).toEqual([]);
      expect(n.waitPid(pid)).toEqual({ code: 0, signal: null });
      const [zero, foo, env] = readFileSync(out, 'utf8').split('|');
      expect(zero).toBe('zero');
      expect(foo).toBe('bar baz');
      expect(env!.split(',').filter((v) => v && !v.startsWith('PWD=') && !v.startsWith('SHLVL=') && !v.startsWith('_='))).toEqual(['FOO=bar baz', 'PATH=/usr/bin:/bin']);
    } finally {
      n.closeFd(syncFd);
    }
  });

  it('the exec\'d process holds only stdio: no sync, plan or inherited fd of the runtime', () => {
    const { pid, syncFd } = n.spawnInit(INIT, encodePlan([exec(['/bin/sleep', '10'])]), 0);
    try {
      expect(drain(syncFd)).toEqual([]); // EOF: the init exec'd (its sync fd is close-on-exec)
      expect(readFileSync(`/proc/${pid}/cmdline`, 'latin1')).toBe('/bin/sleep\x0010\x00');
      expect(settledFds(pid, [0, 1, 2])).toEqual([0, 1, 2]);
    } finally {
      n.signalPid(pid, 9);
      expect(n.waitPid(pid)).toEqual({ code: null, signal: 9 });
      n.closeFd(syncFd);
    }
  });

  it('--preserve-fds: fd 3 of the runtime reaches the process as fd 3', () => {
    const out = join(dir, 'preserved');
    const fd = openSync(out, 'w');
    try {
      const plan = encodePlan([exec(['/bin/sh', '-c', 'echo kept >&3'])]).toString('base64');
      // A child Node whose fd 3 is the file (Node opens it close-on-exec; spawnInit clears that).
      const r = spawnSync(
        process.execPath,
        ['-e', `const n = require(${JSON.stringify(ADDON)});
const { pid, syncFd } = n.spawnInit(${JSON.stringify(INIT)}, Buffer.from(${JSON.stringify(plan)}, 'base64'), 1);
const msg = n.syncRecv(syncFd, ${TIMEOUT});
console.log(JSON.stringify({ msg, st: n.waitPid(pid) }));`],
        { stdio: ['ignore', 'pipe', 'pipe', fd], encoding: 'utf8', timeout: TIMEOUT },
      );
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout)).toEqual({ msg: null, st: { code: 0, signal: null } });
      expect(readFileSync(out, 'utf8')).toBe('kept\n');
    } finally {
      closeSync(fd);
    }
  });

  it('CLONE: stage A reports B\'s pid and exits; B is the runtime\'s child (CLONE_PARENT) and execs', () => {
    const out = join(dir, 'clone');
    const plan = [op('CLONE', '0'), exec(['/bin/sh', '-c', 'echo $$ > "$0"', out])];
    const { pid: stageA, syncFd } = n.spawnInit(INIT, encodePlan(plan), 0);
    try {
      const first = n.syncRecv(syncFd, TIMEOUT);
      expect(first).toMatch(/^pid\t\d+$/);
      const b = Number(first!.split('\t')[1]);
      expect(b).not.toBe(stageA);
      expect(n.waitPid(stageA)).toEqual({ code: 0, signal: null });
      expect(drain(syncFd)).toEqual([]);
      expect(n.waitPid(b)).toEqual({ code: 0, signal: null });
      expect(readFileSync(out, 'utf8').trim()).toBe(String(b));
    } finally {
      n.closeFd(syncFd);
    }
  });

  it('READY + WAIT_START: the init waits from a sealed memfd; startContainer releases it', () => {
    const sock = join(dir, 'start-ok.sock');
    const out = join(dir, 'started');
    const plan = [op('START_LISTEN', sock), op('READY'), op('WAIT_START'), exec(['/bin/sh', '-c', 'echo started > "$0"', out])];
    const { pid, syncFd } = n.spawnInit(INIT, encodePlan(plan), 0);
    try {
      expect(n.syncRecv(syncFd, TIMEOUT)).toBe('ready');
      // CVE-2019-5736: what /proc/PID/exe reaches is a sealed memfd, not the host's berth-init.
      expect(readlinkSync(`/proc/${pid}/exe`)).toBe('/memfd:berth-init (deleted)');
      expect(writeRefused(`/proc/${pid}/exe`)).toMatch(/^(ETXTBSY|EPERM)$/);
      expect(readFileSync(`/proc/${pid}/cmdline`, 'latin1')).toMatch(/^berth-init\x00\d+\x00\d+\x00$/);
      expect(existsSync(out)).toBe(false);
      n.startContainer(sock, TIMEOUT); // returns at EOF: the exec happened
      expect(n.waitPid(pid)).toEqual({ code: 0, signal: null });
      expect(readFileSync(out, 'utf8')).toBe('started\n');
      // Nobody waits any more: a second start is refused.
      expect(['ECONNREFUSED', 'ENOENT']).toContain(thrown(() => n.startContainer(sock, TIMEOUT)).code);
    } finally {
      n.closeFd(syncFd);
    }
  });

  it('an EXEC failure after start is thrown by startContainer with the init\'s report', () => {
    const sock = join(dir, 'start-bad.sock');
    const plan = [op('START_LISTEN', sock), op('READY'), op('WAIT_START'), exec(['/nonexistent/berth-test'])];
    const { pid, syncFd } = n.spawnInit(INIT, encodePlan(plan), 0);
    try {
      expect(n.syncRecv(syncFd, TIMEOUT)).toBe('ready');
      const e = thrown(() => n.startContainer(sock, TIMEOUT));
      expect(isInitReport(e)).toBe(true);
      expect(e.initError).toBe('error\t3\texecve\t2\t/nonexistent/berth-test');
      expect(e.message).toBe(e.initError);
      expect(n.waitPid(pid)).toEqual({ code: 1, signal: null });
    } finally {
      n.closeFd(syncFd);
    }
  });

  it('start socket paths longer than sun_path work on both sides', () => {
    const long = join(dir, 'l'.repeat(70), 'm'.repeat(70));
    spawnSync('mkdir', ['-p', long]);
    const sock = join(long, 'start.sock');
    const plan = [op('START_LISTEN', sock), op('READY'), op('WAIT_START'), exec(['/bin/true'])];
    const { pid, syncFd } = n.spawnInit(INIT, encodePlan(plan), 0);
    try {
      expect(n.syncRecv(syncFd, TIMEOUT)).toBe('ready');
      n.startContainer(sock, TIMEOUT);
      expect(n.waitPid(pid)).toEqual({ code: 0, signal: null });
    } finally {
      n.closeFd(syncFd);
    }
  });

  it('CONSOLE: the pty master arrives over the console socket (listenUnix/acceptFd/recvFd)', () => {
    const sock = join(dir, 'console.sock');
    const listener = n.listenUnix(sock);
    const plan = [op('CONSOLE_CONNECT', sock), op('SETSID'), op('CONSOLE', '24', '80', '0'), exec(['/bin/sh', '-c', 'tty; stty size'])];
    const { pid, syncFd } = n.spawnInit(INIT, encodePlan(plan), 0);
    let conn = -1;
    let master = -1;
    try {
      conn = n.acceptFd(listener, TIMEOUT);
      master = n.recvFd(conn, TIMEOUT);
      expect(drain(syncFd)).toEqual([]);
      expect(n.waitPid(pid)).toEqual({ code: 0, signal: null });
      // The slave is closed: read what is buffered until EIO.
      let text = '';
      const buf = Buffer.alloc(4096);
      for (;;) {
        let got = 0;
        try {
          got = readSync(master, buf);
        } catch (e: any) {
          if (e.code === 'EIO') break;
          throw e;
        }
        if (got === 0) break;
        text += buf.toString('utf8', 0, got);
      }
      expect(text.split(/\r?\n/).filter(Boolean)).toEqual([expect.stringMatching(/^\/dev\/pts\/\d+$/), '24 80']);
    } finally {
      if (master >= 0) closeSync(master);
      if (conn >= 0) n.closeFd(conn);
      n.closeFd(listener);
      n.closeFd(syncFd);
    }
  });
});
