// checkpoint and restore with CRIU (docs/CHECKPOINT.md), berth and runc side by side: the same
// scenarios against each runtime, so a difference shows as a test that passes for one and fails
// for the other. CRIU must pass `criu check` on the kernel: this file runs in the checkpoint VM
// lane (scripts/cgroup2-vm/run.sh with BERTH_VM_CRIU=1, Debian's 6.1 kernel; see
// scripts/test.mjs) and skips, saying why, where CRIU cannot work (kernel 6.18's vDSO, for one).
import { describe, it, expect, beforeAll, afterEach } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, writeSync, accessSync, constants } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BERTH, haveBuild, isRoot, uniqueId } from '../helpers/bundle.js';
import { haveBusybox, makeBusyboxRootfs } from '../helpers/rootfs.js';
import { TEST_CGROUP_PARENT } from '../helpers/cgroup-parent.js';
import { defaultConfig } from '../../src/spec/default-config.js';
import { probeCriu } from '../../src/host/criu.js';
import { realEnv, resolveCgroupPaths } from '../../src/cgroups/path.js';
import { native } from '../../src/native/addon.js';
import { ReadStream } from 'node:tty';

function which(name: string): string | undefined {
  for (const d of (process.env.PATH ?? '').split(':')) {
    try {
      accessSync(join(d, name), constants.X_OK);
      return join(d, name);
    } catch {
      // not here
    }
  }
  return undefined;
}

const criu = isRoot() ? probeCriu() : { ok: false, error: 'not root' };
const can = isRoot() && haveBuild() && haveBusybox() && criu.ok;
if (!can) console.log(`checkpoint tests skipped: ${!isRoot() ? 'not root' : !haveBuild() ? 'no build' : !haveBusybox() ? 'no busybox' : criu.error}`);

interface Runtime {
  name: string;
  bin: string;
}
const RUNTIMES: Runtime[] = [{ name: 'berth', bin: BERTH }, ...(which('runc') ? [{ name: 'runc', bin: which('runc')! }] : [])];

// The file first, then stdout: a dump between the two leaves stdout one behind the file, and the
// restored process then prints that number first; stdout alone is continuous either way.
const COUNTER = 'i=0; while true; do i=$((i+1)); echo $i > /tmp/count; echo $i; sleep 0.1; done';

interface Bundle {
  dir: string;
  rootfs: string;
  root: string;
  config: any;
  write(): void;
}

const made: { dir: string; rt: Runtime; root: string; ids: string[] }[] = [];

function makeBundle(rt: Runtime, args: string[], edit?: (c: any) => void, rootfs?: string): Bundle {
  const dir = mkdtempSync(join(tmpdir(), 'berth-ckpt-'));
  const fs = rootfs ?? makeBusyboxRootfs(dir);
  const config = defaultConfig();
  config.process.terminal = false;
  config.process.args = args;
  config.root = { path: fs, readonly: false };
  config.linux.cgroupsPath = `${TEST_CGROUP_PARENT}/${uniqueId('ck')}`;
  edit?.(config);
  const b = { dir, rootfs: fs, root: join(dir, 'state'), config, write: () => writeFileSync(join(dir, 'config.json'), JSON.stringify(config, null, 2)) };
  b.write();
  made.push({ dir, rt, root: b.root, ids: [] });
  return b;
}

/** The runtime with the bundle's --root, to completion; output through files (containers hold pipes). */
function rt(r: Runtime, b: Bundle, args: string[], env?: NodeJS.ProcessEnv) {
  const res = spawnSync(r.bin, ['--root', b.root, ...args], { cwd: b.dir, encoding: 'utf8', timeout: 90_000, stdio: ['ignore', 'pipe', 'pipe'], env: env ?? process.env });
  return { status: res.status, stdout: res.stdout ?? '', stderr: `${res.error ? `(${args[0]}: ${res.error.message}) ` : ''}${(res.stderr ?? '').trim()}` };
}

/**
 * A runtime command whose container keeps the stdio it was given: stdin /dev/null (both
 * runtimes give the container its own), stdout and stderr one real pipe (pipe(2), through sh:
 * Node's stdio pipes are socketpairs, which CRIU would have to treat as external unix sockets)
 * read here through cat. The runtime's exit status comes back through a file.
 */
function launch(r: Runtime, b: Bundle, args: string[], label = `${r.name} ${args[0]}`) {
  const base = join(b.dir, `launch-${uniqueId('l')}`);
  const child = spawn('sh', ['-c', '{ "$@" </dev/null 2>&1; echo $? > "$0.rc"; } | cat', base, r.bin, '--root', b.root, ...args], { cwd: b.dir, stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout.on('data', (d) => (out += d));
  const exited = waitFor(`${label} to exit`, () => {
    try {
      return { code: Number(readFileSync(`${base}.rc`, 'utf8').trim()) };
    } catch {
      return undefined;
    }
  }, 240_000).then(
    (v) => v.code,
    (e) => {
      throw new Error(`${(e as Error).message}; its output so far: ${JSON.stringify(out.slice(-400))}`);
    },
  );
  return {
    exited,
    out: () => out,
    /** Whether the runtime has exited. */
    finished: () => existsSync(`${base}.rc`),
    /** The container's output lines that are numbers (the counter's). */
    numbers: () => out.split('\n').filter((l) => /^\d+$/.test(l.trim())).map(Number),
    err: () => out,
    close: () => child.stdout.destroy(),
  };
}

async function waitFor<T>(what: string, fn: () => T | undefined | false, ms = 120_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

function readInt(path: string): number | undefined {
  try {
    const n = Number(readFileSync(path, 'utf8').trim());
    return Number.isFinite(n) && n > 0 ? n : undefined;
  } catch {
    return undefined;
  }
}

function state(r: Runtime, b: Bundle, id: string): any | undefined {
  const s = rt(r, b, ['state', id]);
  return s.status === 0 ? JSON.parse(s.stdout) : undefined;
}

/** The container's cgroup dir (v2) from its init's /proc/PID/cgroup. */
function cgroupDirOf(pid: number): string {
  const line = readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').find((l) => l.startsWith('0::'))!;
  return join('/sys/fs/cgroup', line.slice(3));
}

function cgroupDirsOf(b: Bundle, id: string): string[] {
  return Object.values(resolveCgroupPaths({ cgroupsPath: b.config.linux.cgroupsPath, id }, realEnv()).paths);
}

/** Nothing of the id is left: no state, no cgroup dir, no mount naming the bundle or state dir. */
function expectNothingLeft(r: Runtime, b: Bundle, id: string): void {
  expect(state(r, b, id)).toBeUndefined();
  expect(existsSync(join(b.root, id))).toBe(false);
  for (const d of cgroupDirsOf(b, id)) expect(existsSync(d), d).toBe(false);
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8');
  expect(mounts.includes(b.dir)).toBe(false);
}

function track(b: Bundle, id: string): void {
  made.find((m) => m.dir === b.dir)?.ids.push(id);
}

/** `run -d` of the bundle's counter; resolves once it has counted past `min`. */
async function runCounter(r: Runtime, b: Bundle, id: string, min: number) {
  const run = launch(r, b, ['run', '-d', id]);
  expect(await run.exited, run.err()).toBe(0);
  await waitFor(`the counter to pass ${min}`, () => (readInt(join(b.rootfs, 'tmp/count')) ?? 0) > min);
  return run;
}

/**
 * A counter run and checkpointed (gone); then the bundle gets `hooks` for the restore (hooks
 * may differ from the checkpoint's). Returns the image and the count at the dump.
 */
async function checkpointedCounter(r: Runtime, b: Bundle, id: string, hooks: object) {
  track(b, id);
  const run = await runCounter(r, b, id, 5);
  const img = join(b.dir, 'img');
  const c = rt(r, b, ['checkpoint', '--image-path', img, id]);
  expect(c.status, c.stderr).toBe(0);
  run.close();
  const last = readInt(join(b.rootfs, 'tmp/count'))!;
  b.config.hooks = hooks;
  b.write();
  return { img, last };
}

/** SIGKILL, wait for `stopped`, delete: nothing of the container may be left. */
async function killAndDelete(r: Runtime, b: Bundle, id: string): Promise<void> {
  expect(rt(r, b, ['kill', id, 'KILL']).status).toBe(0);
  await waitFor('the container to stop', () => state(r, b, id)?.status === 'stopped');
  expect(rt(r, b, ['delete', id]).status).toBe(0);
  expectNothingLeft(r, b, id);
}

/**
 * A pty master from a console socket, once the runtime sends it (acceptFd waits a second at a
 * time: the runtime is a child that runs on), read as it comes (a full pty would stop the
 * counter), written to as a keyboard. A runtime that exits without sending one fails it, with
 * its output and the error lines of CRIU's log.
 */
async function receiveConsole(listen: number, what: string, proc: { out(): string; finished(): boolean }, log?: string) {
  const n = native();
  let conn: number | undefined;
  for (let i = 0; conn === undefined; i++) {
    try {
      conn = n.acceptFd(listen, 1000);
    } catch (e) {
      if ((e as any).code !== 'ETIMEDOUT') throw e;
      if (proc.finished() || i > 240) {
        const errors = log && existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((l) => /Error/.test(l)).slice(-8).join('\n') : '';
        throw new Error(`${what}: no pty master came; its output: ${JSON.stringify(proc.out().slice(-400))}${errors ? `; ${log}:\n${errors}` : ''}`);
      }
      await new Promise((res) => setTimeout(res, 10));
    }
  }
  let master: number;
  try {
    master = n.recvFd(conn, 60_000);
  } finally {
    n.closeFd(conn);
  }
  let out = '';
  const s = new ReadStream(master);
  s.on('data', (d) => (out += d));
  s.on('error', () => undefined); // EIO once the last slave is closed
  return {
    out: () => out,
    numbers: () => out.split(/\r?\n/).filter((l) => /^\d+$/.test(l.trim())).map(Number),
    type: (text: string) => writeSync(master, text),
    close: () => s.destroy(),
  };
}

afterEach(() => {
  for (const m of made.splice(0)) {
    for (const id of m.ids) {
      spawnSync(m.rt.bin, ['--root', m.root, 'kill', id, 'KILL'], { stdio: 'ignore' });
      spawnSync(m.rt.bin, ['--root', m.root, 'delete', '--force', id], { stdio: 'ignore' });
    }
    rmSync(m.dir, { recursive: true, force: true });
  }
});

describe.skipIf(!can).each(RUNTIMES)('checkpoint and restore with $name', (r: Runtime) => {
  beforeAll(() => {
    expect(criu.ok).toBe(true);
  });

  it('a counter: checkpoint stops it, restore continues it where it was, kill and delete leave nothing; a foreground restore exits with its status', async () => {
    const b = makeBundle(r, ['sh', '-c', COUNTER]);
    const id = uniqueId('ck');
    track(b, id);
    const run = await runCounter(r, b, id, 10);
    const img = join(b.dir, 'img');
    const c = rt(r, b, ['checkpoint', '--image-path', img, id]);
    expect(c.status, c.stderr).toBe(0);
    // As runc: the container is gone after a checkpoint without --leave-running.
    expect(state(r, b, id)).toBeUndefined();
    const last = readInt(join(b.rootfs, 'tmp/count'))!;
    await new Promise((res) => setTimeout(res, 1000));
    expect(readInt(join(b.rootfs, 'tmp/count'))).toBe(last);
    const lastOut = run.numbers().at(-1)!;
    expect([last - 1, last]).toContain(lastOut);
    run.close();

    const res = launch(r, b, ['restore', '-d', '--image-path', img, id], `${r.name} restore -d`);
    expect(await res.exited, res.err()).toBe(0);
    const st = state(r, b, id);
    expect(st?.status).toBe('running');
    await waitFor('the restored counter to count', () => (readInt(join(b.rootfs, 'tmp/count')) ?? 0) > last + 3);
    // It continues from where it was, on the restore's stdout (not from 1).
    await waitFor('output of the restored counter', () => res.numbers().length >= 2);
    expect(res.numbers()[0]).toBe(lastOut + 1);
    await killAndDelete(r, b, id);
    res.close();

    // The image can be restored again; in the foreground the runtime waits and exits with the
    // container's status (137: SIGKILL), then the container is gone. berth only: runc 1.1.5's
    // foreground restore did not return after its container was killed in this lane (2 runs of
    // 3), leaving its process and its criu-root mount behind (docs/CHECKPOINT.md).
    if (r.name !== 'berth') return;
    const fg = launch(r, b, ['restore', '--image-path', img, id], `${r.name} restore in the foreground`);
    await waitFor('the foreground restore to run', () => state(r, b, id)?.status === 'running');
    expect(rt(r, b, ['kill', id, 'KILL']).status).toBe(0);
    expect(await fg.exited).toBe(137);
    fg.close();
    expectNothingLeft(r, b, id);
  });

  it('a terminal: checkpoint, then restore --console-socket hands the new pty master to the socket; the process counts on and reads from it', async () => {
    // The counter in the background writes to the terminal; the shell reads lines from it.
    const prog = `(${COUNTER}) & while read l; do echo "got:$l"; done`;
    const b = makeBundle(r, ['sh', '-c', prog], (c) => (c.process.terminal = true));
    const id = uniqueId('ck');
    track(b, id);
    const sock = join(b.dir, 'console.sock');
    const listen = native().listenUnix(sock);
    try {
      const run = launch(r, b, ['run', '-d', '--console-socket', sock, id]);
      const tty = await receiveConsole(listen, `${r.name} run`, run);
      expect(await run.exited, run.err()).toBe(0);
      await waitFor('the counter on the terminal', () => tty.numbers().length > 5);
      const img = join(b.dir, 'img');
      const c = rt(r, b, ['checkpoint', '--image-path', img, id]);
      expect(c.status, c.stderr).toBe(0);
      expect(state(r, b, id)).toBeUndefined();
      run.close();
      // What was written before the dump has been read from the old master by now.
      await new Promise((res) => setTimeout(res, 1000));
      const last = tty.numbers().at(-1)!;
      tty.close();

      const res = launch(r, b, ['restore', '-d', '--console-socket', sock, '--image-path', img, id], `${r.name} restore -d`);
      const tty2 = await receiveConsole(listen, `${r.name} restore`, res, join(img, 'restore.log'));
      expect(await res.exited, res.err()).toBe(0);
      expect(state(r, b, id)?.status).toBe('running');
      // The restored counter goes on from the next number, on the new terminal.
      await waitFor('the restored counter on the new terminal', () => tty2.numbers().length >= 2);
      expect(tty2.numbers()[0]).toBe(last + 1);
      // The restored shell reads what is typed on it (the pty echoes it, the shell answers).
      tty2.type('hello\n');
      await waitFor('the restored shell to read from the terminal', () => tty2.out().includes('got:hello'));
      await killAndDelete(r, b, id);
      tty2.close();
      res.close();
    } finally {
      native().closeFd(listen);
    }
  });

  it('--leave-running keeps the container; its checkpoint restores into a new id beside it', async () => {
    const b = makeBundle(r, ['sh', '-c', COUNTER]);
    const id = uniqueId('ck');
    track(b, id);
    const run = await runCounter(r, b, id, 5);
    const img = join(b.dir, 'img');
    const c = rt(r, b, ['checkpoint', '--leave-running', '--image-path', img, id]);
    expect(c.status, c.stderr).toBe(0);
    const before = state(r, b, id);
    expect(before?.status).toBe('running');
    // The count when the checkpoint returned: the dump was taken at or before it.
    const n = readInt(join(b.rootfs, 'tmp/count'))!;
    await waitFor('the original to keep counting', () => (run.numbers().at(-1) ?? 0) > n + 3);

    // A second bundle on the same rootfs with a cgroup of its own; a new id.
    const b2 = makeBundle(r, ['sh', '-c', COUNTER], undefined, b.rootfs);
    const id2 = uniqueId('ck2');
    track(b2, id2);
    const res = launch(r, b2, ['restore', '-d', '--image-path', img, id2]);
    expect(await res.exited, res.err()).toBe(0);
    const after = state(r, b2, id2);
    expect(after?.status).toBe('running');
    expect(after.pid).not.toBe(before.pid);
    expect(state(r, b, id)?.status).toBe('running');
    await waitFor('output of the restored counter', () => res.numbers().length >= 2);
    const first = res.numbers()[0]!;
    expect(first).toBeGreaterThan(5);
    expect(first).toBeLessThanOrEqual(n + 1);
    // berth: the new container's own cgroup (CRIU's --cgroup-root). runc 1.1 (Debian 12) leaves
    // the restored task in the cgroup it was dumped from, the original container's: a difference.
    expect(cgroupDirOf(after.pid)).toBe(r.name === 'berth' ? cgroupDirsOf(b2, id2)[0] : cgroupDirOf(before.pid));
    // The restored one first: with runc it is in the original's cgroup, which goes with the original.
    for (const [bb, i] of [[b2, id2], [b, id]] as const) {
      await killAndDelete(r, bb, i);
    }
    run.close();
    res.close();
  });

  it('--tcp-skip-in-flight and --link-remap reach CRIU; org.criu.config names a CRIU config file that dump and restore read', async () => {
    const b = makeBundle(r, ['sh', '-c', COUNTER]);
    const id = uniqueId('ck');
    track(b, id);
    const conf = join(b.dir, 'criu.conf');
    // An option CRIU does not know: a run that reads the file fails; one that does not, passes.
    writeFileSync(conf, 'no-such-option\n');
    b.config.annotations = { ...(b.config.annotations ?? {}), 'org.criu.config': conf };
    b.write();
    const run = await runCounter(r, b, id, 5);
    const img = join(b.dir, 'img');
    const bad = rt(r, b, ['checkpoint', '--leave-running', '--image-path', img, id]);
    expect(bad.status, 'the dump read the container\'s CRIU config').not.toBe(0);
    expect(state(r, b, id)?.status).toBe('running');
    writeFileSync(conf, '');
    // runc has the two flags since 1.2; the lane's runc is Debian's 1.1.5.
    const flags = r.name === 'berth' ? ['--tcp-skip-in-flight', '--link-remap'] : [];
    const c = rt(r, b, ['checkpoint', '--leave-running', ...flags, '--image-path', img, id]);
    expect(c.status, c.stderr).toBe(0);
    // The restore of a bundle whose annotation names the bad file fails and leaves nothing; with
    // the file emptied the same restore works.
    writeFileSync(conf, 'no-such-option\n');
    const b2 = makeBundle(r, ['sh', '-c', COUNTER], (cf) => (cf.annotations = { 'org.criu.config': conf }), b.rootfs);
    const id2 = uniqueId('ck2');
    track(b2, id2);
    // launch(): the restored stdio must be pipes, as at the dump (restore hands its own to CRIU).
    const res = launch(r, b2, ['restore', '-d', '--image-path', img, id2]);
    expect(await res.exited, 'the restore read the container\'s CRIU config').not.toBe(0);
    res.close();
    expectNothingLeft(r, b2, id2);
    writeFileSync(conf, '');
    const good = launch(r, b2, ['restore', '-d', '--image-path', img, id2]);
    expect(await good.exited, good.err()).toBe(0);
    expect(state(r, b2, id2)?.status).toBe('running');
    // The restored one first (with runc it is in the original's cgroup), as above.
    for (const [bb, i] of [[b2, id2], [b, id]] as const) await killAndDelete(r, bb, i);
    run.close();
    good.close();
  });

  it('--pre-dump keeps it running; a dump with --parent-path on top restores', async () => {
    const b = makeBundle(r, ['sh', '-c', COUNTER]);
    const id = uniqueId('ck');
    track(b, id);
    const run = await runCounter(r, b, id, 5);
    const pre = rt(r, b, ['checkpoint', '--pre-dump', '--image-path', join(b.dir, 'pre'), id]);
    expect(pre.status, pre.stderr).toBe(0);
    expect(state(r, b, id)?.status).toBe('running');
    const bad = rt(r, b, ['checkpoint', '--parent-path', '../nope', '--image-path', join(b.dir, 'img'), id]);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toContain('--parent-path');
    expect(state(r, b, id)?.status).toBe('running');
    const c = rt(r, b, ['checkpoint', '--parent-path', '../pre', '--image-path', join(b.dir, 'img'), id]);
    expect(c.status, c.stderr).toBe(0);
    expect(state(r, b, id)).toBeUndefined();
    const last = readInt(join(b.rootfs, 'tmp/count'))!;
    // stdout is the file's number or one behind it (COUNTER); its last line may still be in the pipe.
    await waitFor("the counter's last output", () => [last - 1, last].includes(run.numbers().at(-1)!));
    const lastOut = run.numbers().at(-1)!;
    run.close();
    const res = launch(r, b, ['restore', '-d', '--image-path', join(b.dir, 'img'), id]);
    expect(await res.exited, res.err()).toBe(0);
    await waitFor('output of the restored counter', () => res.numbers().length >= 2);
    expect(res.numbers()[0]).toBe(lastOut + 1);
    await killAndDelete(r, b, id);
    res.close();
  });

  it('a tmpfs, a bind mount, a memory limit and a seccomp filter survive checkpoint and restore', async () => {
    const token = `tok-${process.pid}-${Date.now()}`;
    // Each round: the tmpfs's marker copied out, then the round's number and the seccomp probe.
    // The probes' files are never removed: a dump can catch the shell inside one of its
    // redirections (fd 1 on /data/seccomp for a moment), and restore reopens that file by name.
    const prog = `echo ${token} > /scratch/marker; ${COUNTER.replace('sleep 0.1', 'cat /scratch/marker > /data/seen; if mkdir /tmp/probe 2>/dev/null; then p=allowed; else p=denied; fi; echo "$i $p" > /data/seccomp; sleep 0.1')}`;
    const probe = (): { round: number; result: string } | undefined => {
      const m = /^(\d+) (\w+)$/.exec(existsSync(join(data, 'seccomp')) ? readFileSync(join(data, 'seccomp'), 'utf8').trim() : '');
      return m ? { round: Number(m[1]), result: m[2]! } : undefined;
    };
    const limit = 64 * 1024 * 1024;
    const b = makeBundle(r, ['sh', '-c', prog], (c) => {
      c.mounts.push({ destination: '/scratch', type: 'tmpfs', source: 'tmpfs', options: ['nosuid', 'nodev', 'size=1m'] });
      c.linux.resources = { ...(c.linux.resources ?? {}), memory: { limit } };
      c.linux.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86_64'], syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 1 }] };
    });
    const data = join(b.dir, 'data');
    mkdirSync(data);
    b.config.mounts.push({ destination: '/data', type: 'bind', source: data, options: ['rbind', 'rw'] });
    b.write();
    const id = uniqueId('ck');
    track(b, id);
    const run = launch(r, b, ['run', '-d', id]);
    expect(await run.exited, run.err()).toBe(0);
    await waitFor('the probes', () => probe() !== undefined && readFileSync(join(data, 'seen'), 'utf8').trim() === token);
    expect(probe()!.result).toBe('denied');
    const img = join(b.dir, 'img');
    const c = rt(r, b, ['checkpoint', '--image-path', img, id]);
    expect(c.status, c.stderr).toBe(0);
    run.close();
    const dumped = probe()?.round ?? 0;

    let res = launch(r, b, ['restore', '-d', '--image-path', img, id]);
    let code = await res.exited;
    // Debian's runc 1.1.5 (the reference here) fails this restore now and then with "criu failed:
    // type NOTIFY errno 0" (seen once in a CI run; it passed on the rerun): it gets a second try,
    // berth never does.
    if (code !== 0 && r.name === 'runc' && /type NOTIFY/.test(res.err())) {
      res.close();
      rt(r, b, ['delete', '--force', id]);
      res = launch(r, b, ['restore', '-d', '--image-path', img, id]);
      code = await res.exited;
    }
    expect(code, res.err()).toBe(0);
    const st = state(r, b, id);
    expect(st?.status).toBe('running');
    // A round after the dump's: the tmpfs's file came back (the bind mount carries it out; a
    // round copies it before its probe), the filter still denies.
    await waitFor('the probes after restore', () => (probe()?.round ?? 0) > dumped + 1);
    expect(readFileSync(join(data, 'seen'), 'utf8').trim()).toBe(token);
    expect(probe()!.result).toBe('denied');
    expect(existsSync(join(b.rootfs, 'tmp/probe'))).toBe(false);
    // The memory limit holds in the restored container's cgroup.
    const dir = cgroupDirOf(st.pid);
    expect(Number(readFileSync(join(dir, 'memory.max'), 'utf8').trim())).toBe(limit);
    await killAndDelete(r, b, id);
    res.close();
  });

  it('restore runs the prestart and createRuntime hooks at CRIU\'s setup-namespaces: the restored process exists and has not run yet; poststart does not run', async () => {
    const b = makeBundle(r, ['sh', '-c', COUNTER]);
    const seen = join(b.dir, 'hooks-seen');
    // The state's pid and status; whether that process exists; the counter file twice, a
    // second apart (the counter writes it every 0.1 s once it runs).
    const hook = join(b.dir, 'hook.sh');
    writeFileSync(hook, [
      '#!/bin/sh',
      `st=$(cat)`,
      `pid=$(echo "$st" | sed -n 's/.*"pid":\\([0-9][0-9]*\\).*/\\1/p')`,
      `status=$(echo "$st" | sed -n 's/.*"status":"\\([a-z]*\\)".*/\\1/p')`,
      'if [ -n "$pid" ] && [ -d /proc/$pid ]; then alive=yes; else alive=no; fi',
      `c1=$(cat ${b.rootfs}/tmp/count); sleep 1; c2=$(cat ${b.rootfs}/tmp/count)`,
      `echo "$1 $pid $status $alive $c1 $c2" >> ${seen}`,
      '',
    ].join('\n'), { mode: 0o755 });
    const id = uniqueId('ck');
    const { img, last } = await checkpointedCounter(r, b, id, {
      prestart: [{ path: hook, args: [hook, 'prestart'] }],
      createRuntime: [{ path: hook, args: [hook, 'createRuntime'] }],
      poststart: [{ path: hook, args: [hook, 'poststart'] }],
    });
    const res = launch(r, b, ['restore', '-d', '--image-path', img, id], `${r.name} restore -d`);
    expect(await res.exited, res.err()).toBe(0);
    const st = state(r, b, id);
    expect(st?.status).toBe('running');
    await waitFor('the restored counter to count', () => (readInt(join(b.rootfs, 'tmp/count')) ?? 0) > last + 3);
    // Each hook once, prestart first; both saw the restored process (its pid the state's) not
    // yet running: the counter still at the checkpointed value a second later. The state's
    // status is runc's at that moment: stopped (the restored process is not the container's yet).
    const lines = readFileSync(seen, 'utf8').trim().split('\n');
    expect(lines).toEqual([
      `prestart ${st.pid} stopped yes ${last} ${last}`,
      `createRuntime ${st.pid} stopped yes ${last} ${last}`,
    ]);
    await killAndDelete(r, b, id);
    res.close();
  });

  it('a failing prestart hook at restore fails it: one line naming the hook, the restored process gone, nothing left', async () => {
    const b = makeBundle(r, ['sh', '-c', COUNTER]);
    const pidFile = join(b.dir, 'hook-pid');
    const hook = join(b.dir, 'hook.sh');
    writeFileSync(hook, `#!/bin/sh\nsed -n 's/.*"pid":\\([0-9][0-9]*\\).*/\\1/p' > ${pidFile}\necho no thanks >&2\nexit 3\n`, { mode: 0o755 });
    const id = uniqueId('ck');
    const { img, last } = await checkpointedCounter(r, b, id, { prestart: [{ path: hook }] });
    const bad = rt(r, b, ['restore', '-d', '--image-path', img, id]);
    expect(bad.status).not.toBe(0);
    // The error is the last line (berth warns first that prestart is deprecated).
    if (r.name === 'berth') expect(bad.stderr.split('\n').at(-1)).toMatch(new RegExp(`^restore ${id}: prestart hook 0 \\(${hook.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\): exit status 3: no thanks$`));
    const pid = readInt(pidFile);
    expect(pid).toBeGreaterThan(0);
    await waitFor('the restored process to be gone', () => !existsSync(`/proc/${pid}`), 60_000);
    expectNothingLeft(r, b, id);
    // It never ran: the counter did not go on.
    expect(readInt(join(b.rootfs, 'tmp/count'))).toBe(last);
  });

  it('failures: a missing image dir, an image of another config, no criu in PATH: an error and nothing left behind', async () => {
    const b = makeBundle(r, ['sh', '-c', COUNTER]);
    const id = uniqueId('ck');
    track(b, id);
    const missing = rt(r, b, ['restore', '-d', '--image-path', join(b.dir, 'nope'), id]);
    expect(missing.status).not.toBe(0);
    if (r.name === 'berth') expect(missing.stderr).toMatch(/^--image-path \S+nope: no such directory$/);
    expectNothingLeft(r, b, id);

    // No criu: checkpoint fails and the container runs on; restore fails and leaves nothing.
    const run = launch(r, b, ['run', '-d', id]);
    expect(await run.exited, run.err()).toBe(0);
    const noCriu = { ...process.env, PATH: '/nonexistent' };
    const img = join(b.dir, 'img');
    const c0 = rt(r, b, ['checkpoint', '--image-path', img, id], noCriu);
    expect(c0.status).not.toBe(0);
    if (r.name === 'berth') expect(c0.stderr).toMatch(/^criu: not found in PATH/);
    expect(state(r, b, id)?.status).toBe('running');
    const c = rt(r, b, ['checkpoint', '--image-path', img, id]);
    expect(c.status, c.stderr).toBe(0);
    run.close();
    const r0 = rt(r, b, ['restore', '-d', '--image-path', img, id], noCriu);
    expect(r0.status).not.toBe(0);
    expectNothingLeft(r, b, id);

    if (r.name === 'berth') {
      // --console-socket for a container that had no terminal: refused before anything is made.
      const sockless = rt(r, b, ['restore', '-d', '--console-socket', join(b.dir, 'console.sock'), '--image-path', img, id]);
      expect(sockless.status).not.toBe(0);
      expect(sockless.stderr).toMatch(/^restore \S+: --console-socket: the checkpointed container has no terminal/);
      expectNothingLeft(r, b, id);
      // The image of a container with other mounts: refused before anything is made.
      const other = makeBundle(r, ['sh', '-c', COUNTER], (cf) => cf.mounts.push({ destination: '/scratch', type: 'tmpfs', source: 'tmpfs', options: [] }), b.rootfs);
      const id2 = uniqueId('ck');
      const wrong = rt(r, other, ['restore', '-d', '--image-path', img, id2]);
      expect(wrong.status).not.toBe(0);
      expect(wrong.stderr).toMatch(/^restore \S+: the checkpoint in \S+ is of another container: config\.json: \/mounts\/\d+: /);
      expect(wrong.stderr.split('\n')).toHaveLength(1);
      expectNothingLeft(r, other, id2);
      // A copy of the image with CRIU's images damaged: CRIU's error and its log, nothing left.
      const broken = join(b.dir, 'broken');
      cpSync(img, broken, { recursive: true });
      rmSync(join(broken, 'pstree.img'));
      const bad = rt(r, b, ['restore', '-d', '--image-path', broken, id]);
      expect(bad.status).not.toBe(0);
      expect(bad.stderr).toMatch(/^restore \S+: criu restore failed: .* \(log: \S+restore\.log\)$/);
      expectNothingLeft(r, b, id);
    }
  });
});
