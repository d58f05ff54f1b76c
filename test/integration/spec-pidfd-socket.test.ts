// `--pidfd-socket PATH` on create, run and exec (runc 1.2): a pidfd of the container's init, or
// of the exec'd process, arrives over SCM_RIGHTS at a unix socket the test listens on, with the
// words runc sends beside it ("standard" for an init, "setns" for an exec). Checked from the
// receiving side: the fd's /proc/self/fdinfo names the process (Pid:), and pidfd_send_signal
// through it ends that process and no other. A path nobody listens on fails with a clear error
// and leaves nothing.
import { describe, it, expect, afterEach } from 'vitest';
import { createRequire } from 'node:module';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { berth, haveBuild, isRoot, makeBundle, uniqueId, REPO, type TestBundle } from '../helpers/bundle.js';
import { snapshot } from '../helpers/leaks.js';

const run = isRoot() && haveBuild() ? describe : describe.skip;
const native = () => createRequire(import.meta.url)(join(REPO, 'dist/native/berth.node'));
const SIGKILL = 9;

function ok(r: { status: number | null; stderr: string }): void {
  expect(r.status, r.stderr).toBe(0);
}

/** The pid a pidfd refers to, as the kernel shows it to its holder. */
function fdinfoPid(fd: number): number {
  const m = /^Pid:\s+(-?\d+)$/m.exec(readFileSync(`/proc/self/fdinfo/${fd}`, 'utf8'));
  expect(m, 'a pidfd has a Pid: line in its fdinfo').not.toBeNull();
  return Number(m![1]);
}

/** The one connection berth made to the listening socket: the data and the fd that came with it. */
function receive(listen: number): { data: string; fd: number } {
  const n = native();
  const conn = n.acceptFd(listen, 5000);
  try {
    const m = n.recvFdMessage(conn, 5000);
    return { data: m.data.toString(), fd: m.fd };
  } finally {
    n.closeFd(conn);
  }
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}

/** Waits (bounded) for a process killed through its pidfd to be gone: the kill is asynchronous. */
async function gone(pid: number): Promise<boolean> {
  for (let i = 0; i < 500 && alive(pid); i++) await new Promise((r) => setTimeout(r, 10));
  return !alive(pid);
}

function initPid(b: TestBundle, id: string): number {
  const s = berth(b, ['state', id]);
  ok(s);
  return JSON.parse(s.stdout).pid;
}

run('--pidfd-socket (runc 1.2)', () => {
  let b: TestBundle;
  let listen: number | undefined;
  let pidfd: number | undefined;
  afterEach(() => {
    if (pidfd !== undefined && pidfd >= 0) native().closeFd(pidfd);
    if (listen !== undefined) native().closeFd(listen);
    pidfd = listen = undefined;
    b?.cleanup();
  });

  it('create: the init\'s pidfd with "standard"; a signal through it reaches the init', async () => {
    b = makeBundle(['sleep', '300']);
    const sock = join(b.dir, 'pidfd.sock');
    listen = native().listenUnix(sock);
    const id = uniqueId();
    ok(berth(b, ['create', '--bundle', b.dir, '--pidfd-socket', sock, id]));
    const got = receive(listen!);
    pidfd = got.fd;
    expect(got.data).toBe('standard');
    const pid = initPid(b, id);
    expect(fdinfoPid(got.fd)).toBe(pid);
    ok(berth(b, ['start', id]));
    native().pidfdSignal(got.fd, SIGKILL);
    expect(await gone(pid)).toBe(true);
    expect(JSON.parse(berth(b, ['state', id]).stdout).status).toBe('stopped');
  });

  it('run -d: the init\'s pidfd with "standard"', () => {
    b = makeBundle(['sleep', '300']);
    const sock = join(b.dir, 'pidfd.sock');
    listen = native().listenUnix(sock);
    const id = uniqueId();
    ok(berth(b, ['run', '-d', '--bundle', b.dir, '--pidfd-socket', sock, id]));
    const got = receive(listen!);
    pidfd = got.fd;
    expect(got.data).toBe('standard');
    expect(fdinfoPid(got.fd)).toBe(initPid(b, id));
  });

  it('exec: the exec\'d process\'s pidfd with "setns"; killing through it leaves the init running', async () => {
    b = makeBundle(['sleep', '300']);
    const id = uniqueId();
    ok(berth(b, ['run', '-d', '--bundle', b.dir, id]));
    const sock = join(b.dir, 'pidfd.sock');
    listen = native().listenUnix(sock);
    const pidFile = join(b.dir, 'exec.pid');
    ok(berth(b, ['exec', '-d', '--pid-file', pidFile, '--pidfd-socket', sock, id, 'sleep', '300']));
    const got = receive(listen!);
    pidfd = got.fd;
    expect(got.data).toBe('setns');
    const execPid = Number(readFileSync(pidFile, 'utf8'));
    expect(fdinfoPid(got.fd)).toBe(execPid);
    native().pidfdSignal(got.fd, SIGKILL);
    expect(await gone(execPid)).toBe(true);
    expect(alive(initPid(b, id))).toBe(true);
  });

  it('a path nobody listens on: create and run fail naming the flag and leave nothing; exec starts nothing (255)', () => {
    b = makeBundle(['sleep', '300']);
    const cgName = b.config.linux.cgroupsPath.split('/').pop();
    const before = snapshot(b.dir, cgName);
    const missing = join(b.dir, 'no-such.sock');
    const notSocket = join(b.dir, 'plain-file');
    writeFileSync(notSocket, '');
    for (const [cmd, path, why] of [['create', missing, 'no such file or directory'], ['run', notSocket, 'connection refused']] as const) {
      const r = berth(b, [cmd, '--bundle', b.dir, '--pidfd-socket', path, uniqueId()]);
      expect(r.status).toBe(1);
      expect(r.stderr.trim()).toBe(`--pidfd-socket ${path}: connect ${path}: ${why}`);
    }
    expect(existsSync(b.root) ? readdirSync(b.root) : []).toEqual([]);
    const after = snapshot(b.dir, cgName);
    expect(after.mounts).toEqual(before.mounts);
    expect(after.processes).toEqual([]);
    expect(after.cgroupDirs).toEqual([]);

    const id = uniqueId();
    ok(berth(b, ['run', '-d', '--bundle', b.dir, id]));
    const e = berth(b, ['exec', '--pidfd-socket', missing, id, 'sh', '-c', `echo ran > /dev/shm/${id}`]);
    expect(e.status).toBe(255);
    expect(e.stderr.trim()).toBe(`exec ${id}: --pidfd-socket ${missing}: connect ${missing}: no such file or directory`);
    const ps = berth(b, ['ps', '--format', 'json', id]);
    ok(ps);
    expect(JSON.parse(ps.stdout)).toEqual([initPid(b, id)]);
    expect(existsSync(join(`/proc/${initPid(b, id)}/root/dev/shm`, id))).toBe(false);
  });
});
