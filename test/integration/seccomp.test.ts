// linux.seccomp in real busybox containers: the default profile, configured errnos, argument
// filters, KILL_PROCESS, exec, and SCMP_ACT_NOTIFY with a seccomp agent written here in
// TypeScript (it receives the listener fd at listenerPath and answers a syscall for the container).
import { describe, it, expect, afterEach, beforeAll } from 'vitest';
import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Native } from '../../src/native/addon.js';
import { seal } from '../../src/state/seal.js';
import { BERTH, REPO, berth, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../helpers/bundle.js';

const run = isRoot() && haveBuild() ? describe : describe.skip;
const PROFILE = JSON.parse(readFileSync(join(REPO, 'src/seccomp/profiles/default.json'), 'utf8'));
const SIGSYS = 31;

let n: Native;
beforeAll(() => {
  if (haveBuild()) n = createRequire(import.meta.url)(join(REPO, 'dist/native/berth.node')) as Native;
});

/** berth with the bundle's --root, not waited for (the test's agent answers it meanwhile). */
function berthAsync(b: { root: string }, args: string[]): Promise<{ status: number | null; signal: string | null; stdout: string; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-out-'));
  const out = openSync(join(dir, 'out'), 'w+');
  const err = openSync(join(dir, 'err'), 'w+');
  const child = spawn(BERTH, ['--root', b.root, ...args], { stdio: ['ignore', out, err] });
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  return new Promise((resolve) => {
    child.on('exit', (status, signal) => {
      clearTimeout(timer);
      closeSync(out);
      closeSync(err);
      const r = { status, signal, stdout: readFileSync(join(dir, 'out'), 'utf8'), stderr: readFileSync(join(dir, 'err'), 'utf8') };
      rmSync(dir, { recursive: true, force: true });
      resolve(r);
    });
  });
}

/** The agent's side of one hand-off: accept, read the state JSON to EOF with the fd that came first. */
function acceptListener(listen: number): { fd: number; state: any } {
  const conn = n.acceptFd(listen, 20_000);
  try {
    let fd = -1;
    const parts: Buffer[] = [];
    for (;;) {
      const m = n.recvFdMessage(conn, 10_000);
      if (m.fd >= 0) {
        if (fd >= 0) throw new Error('more than one fd');
        fd = m.fd;
      }
      if (m.data.length === 0) break;
      parts.push(m.data);
    }
    return { fd, state: JSON.parse(Buffer.concat(parts).toString()) };
  } finally {
    n.closeFd(conn);
  }
}

run('seccomp (linux.seccomp)', () => {
  let b: TestBundle | undefined;
  const fds: number[] = [];
  afterEach(() => {
    for (const fd of fds.splice(0)) n.closeFd(fd);
    b?.cleanup();
    b = undefined;
  });

  const withCaps = (c: any, ...caps: string[]) => {
    for (const set of ['bounding', 'effective', 'permitted']) c.process.capabilities[set].push(...caps);
  };

  it('the default profile: mount and unshare fail with EPERM, ordinary work goes on', () => {
    const script = 'echo data > /dev/shm/f && cat /dev/shm/f; mkdir /dev/shm/d && echo mkdir-ok; ls /bin >/dev/null && echo ls-ok; ' +
      'mount -t tmpfs none /tmp 2>&1; echo mount=$?; unshare -U true 2>&1; echo unshare=$?';
    // Control: the same container without the filter may mount (CAP_SYS_ADMIN) and unshare.
    b = makeBundle(['sh', '-c', script], (c) => withCaps(c, 'CAP_SYS_ADMIN'));
    const plain = berth(b, ['run', '--bundle', b.dir, uniqueId()]);
    expect(plain.stdout).toContain('mount=0');
    expect(plain.stdout).toContain('unshare=0');
    b.config.linux.seccomp = PROFILE;
    b.write();
    const r = berth(b, ['run', '--bundle', b.dir, uniqueId()]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('data\nmkdir-ok\nls-ok\n');
    expect(r.stdout).toMatch(/mount: permission denied \(are you root\?\)\nmount=1\n/); // busybox's words for EPERM
    expect(r.stdout).toMatch(/unshare: unshare\(0x10000000\): Operation not permitted\nunshare=1/);
  });

  it('defaultErrnoRet, errnoRet, and an argument filter that blocks one value and allows another', () => {
    b = makeBundle(['sh', '-c', "mkdir /dev/shm/d 2>&1; echo mkdir=$?; trap 'echo got-usr2' USR2; trap 'echo got-usr1' USR1; kill -USR2 $$; kill -USR1 $$ 2>&1; echo kill=$?; unshare -U true 2>&1"], (c) => {
      c.linux.seccomp = {
        ...PROFILE,
        defaultErrnoRet: 38, // ENOSYS for whatever the profile does not list
        syscalls: [
          ...PROFILE.syscalls.map((s: any) => ({ ...s, names: s.names.filter((x: string) => !['kill', 'mkdir', 'mkdirat'].includes(x)) })),
          { names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 18 }, // EXDEV
          { names: ['kill'], action: 'SCMP_ACT_ALLOW', args: [{ index: 1, value: 10, op: 'SCMP_CMP_NE' }] }, // all but SIGUSR1
          { names: ['kill'], action: 'SCMP_ACT_ERRNO', errnoRet: 1, args: [{ index: 1, value: 10, op: 'SCMP_CMP_EQ' }] },
        ],
      };
    });
    const r = berth(b, ['run', '--bundle', b.dir, uniqueId()]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/mkdir: can't create directory '\/dev\/shm\/d': Invalid cross-device link\nmkdir=1\n/);
    expect(r.stdout).toContain('got-usr2\n');
    expect(r.stdout).not.toContain('got-usr1');
    expect(r.stdout).toMatch(/can't kill pid \d+: Operation not permitted\nkill=1\n/);
    expect(r.stdout).toMatch(/unshare: unshare\(0x10000000\): Function not implemented/);
  });

  it('SCMP_ACT_KILL_PROCESS kills the process with SIGSYS', () => {
    b = makeBundle(['sh', '-c', 'echo before; exec mkdir /dev/shm/d'], (c) => {
      c.linux.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_KILL_PROCESS' }] };
    });
    const r = berth(b, ['run', '--bundle', b.dir, uniqueId()]);
    expect(r.stdout).toBe('before\n');
    expect(r.status).toBe(128 + SIGSYS);
  });

  it('without no_new_privs the filter loads before the user switch, so a non-root process still gets it', () => {
    b = makeBundle(['sh', '-c', 'id -u; echo x > /dev/shm/f && echo write-ok; unshare -U true 2>&1'], (c) => {
      c.process.noNewPrivileges = false;
      c.process.user = { uid: 1000, gid: 1000 };
      c.linux.seccomp = PROFILE;
    });
    const r = berth(b, ['run', '--bundle', b.dir, uniqueId()]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^1000\nwrite-ok\nunshare: unshare\(0x10000000\): Operation not permitted\n$/);
  });

  it('exec applies the container filter to the new process', () => {
    b = makeBundle(['sleep', '30'], (c) => {
      c.linux.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 122 }] }; // EDQUOT
    });
    const id = uniqueId();
    expect(berth(b, ['run', '-d', '--bundle', b.dir, id]).status).toBe(0);
    const r = berth(b, ['exec', id, 'sh', '-c', 'echo in-exec; mkdir /dev/shm/e']);
    expect(r.stdout).toBe('in-exec\n');
    expect(r.stderr).toMatch(/Disk quota exceeded/);
    expect(r.status).toBe(1);
    // exec loads the program create compiled (kept in state.json), not a new compile of the
    // config: with the stored config made uncompilable, exec still gets the same filter.
    const stateFile = join(b.root, id, 'state.json');
    const st = JSON.parse(readFileSync(stateFile, 'utf8'));
    expect(st.seccomp.program.length).toBeGreaterThan(0);
    st.config.linux.seccomp.syscalls[0].args = [{ index: 9, value: 0, op: 'SCMP_CMP_EQ' }];
    writeFileSync(stateFile, seal(st)); // a record as berth writes it (checksummed)
    const again = berth(b, ['exec', id, 'sh', '-c', 'mkdir /dev/shm/f']);
    expect(again.stderr).toMatch(/Disk quota exceeded/);
    delete st.seccomp;
    writeFileSync(stateFile, seal(st)); // a record as berth writes it (checksummed)
    const compiled = berth(b, ['exec', id, 'sh', '-c', 'mkdir /dev/shm/f']);
    expect(compiled.status).toBe(255); // berth's own failure (runc's exec code), not the program's
    expect(compiled.stderr).toMatch(/seccomp/);
  });

  it('syscall names unknown to libseccomp are skipped with a debug log', () => {
    b = makeBundle(['sh', '-c', 'mkdir /dev/shm/d 2>&1'], (c) => {
      c.linux.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['no_such_syscall', 'mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 18 }] };
    });
    const log = join(b.dir, 'berth.log');
    const r = berth(b, ['--debug', '--log', log, 'run', '--bundle', b.dir, uniqueId()]);
    expect(r.stdout).toMatch(/Invalid cross-device link/);
    expect(readFileSync(log, 'utf8')).toMatch(/level=debug msg="seccomp: config.json: \/linux\/seccomp\/syscalls\/0: syscall no_such_syscall is unknown to libseccomp [\d.]+: skipped"/);
  });

  it('NOTIFY: the agent gets the listener and the process state at start, and answers getppid for the container', async () => {
    b = makeBundle(['sh', '-c', 'echo ppid=$PPID'], (c) => {
      c.linux.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['getppid'], action: 'SCMP_ACT_NOTIFY' }] };
    });
    const sock = join(b.dir, 'agent.sock');
    b.config.linux.seccomp.listenerPath = sock;
    b.config.linux.seccomp.listenerMetadata = 'answer=4242';
    b.write();
    const listen = n.listenUnix(sock);
    fds.push(listen);
    const id = uniqueId();
    const running = berthAsync(b, ['run', '--bundle', b.dir, id]);
    const { fd, state } = acceptListener(listen);
    fds.push(fd);
    expect(fd).toBeGreaterThan(2);
    expect(state).toMatchObject({ fds: ['seccompFd'], metadata: 'answer=4242', state: { id, status: 'created', bundle: b.dir } });
    expect(state.pid).toBe(state.state.pid);
    const req = n.seccompNotifyRecv(fd, 20_000);
    expect(req.pid).toBe(state.pid); // the container's sh, as the host sees it
    n.seccompNotifyRespond(fd, req.id, 4242, 0, 0);
    const r = await running;
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('ppid=4242\n');
    expect(r.status).toBe(0);
  });

  it('NOTIFY without no_new_privs hands over at create; each exec process gets its own listener', async () => {
    b = makeBundle(['sleep', '30'], (c) => {
      c.process.noNewPrivileges = false;
      c.linux.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['getppid'], action: 'SCMP_ACT_NOTIFY' }] };
    });
    const sock = join(b.dir, 'agent.sock');
    b.config.linux.seccomp.listenerPath = sock;
    b.write();
    const listen = n.listenUnix(sock);
    fds.push(listen);
    const id = uniqueId();
    const creating = berthAsync(b, ['run', '-d', '--bundle', b.dir, id]);
    const first = acceptListener(listen);
    fds.push(first.fd);
    expect(first.state).toMatchObject({ fds: ['seccompFd'], state: { id, status: 'creating' } });
    expect(first.state).not.toHaveProperty('metadata');
    expect((await creating).status).toBe(0);

    const exec = berthAsync(b, ['exec', id, 'sh', '-c', 'echo ppid=$PPID']);
    const second = acceptListener(listen);
    fds.push(second.fd);
    expect(second.state).toMatchObject({ fds: ['seccompFd'], state: { id, status: 'running', pid: first.state.pid } });
    expect(second.state.pid).not.toBe(first.state.pid);
    const req = n.seccompNotifyRecv(second.fd, 20_000);
    expect(req.pid).toBe(second.state.pid);
    n.seccompNotifyRespond(second.fd, req.id, 777, 0, 0);
    const r = await exec;
    expect(r.stdout).toBe('ppid=777\n');
    expect(r.status).toBe(0);
  });

  it('NOTIFY with no agent listening: the command fails naming listenerPath and leaves nothing behind', () => {
    b = makeBundle(['true'], (c) => {
      c.linux.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', listenerPath: '/nonexistent/agent.sock', syscalls: [{ names: ['getppid'], action: 'SCMP_ACT_NOTIFY' }] };
    });
    const r = berth(b, ['run', '--bundle', b.dir, uniqueId()]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/seccomp agent at \/nonexistent\/agent\.sock: connect .*no such file or directory/);
    // Nothing of the container; the compiled-filter cache is the root's, not the container's.
    expect(existsSync(b.root) ? readdirSync(b.root).filter((n) => n !== '.seccomp:cache') : []).toEqual([]);
  });
});
