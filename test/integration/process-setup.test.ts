import { describe, it, expect, afterEach } from 'vitest';
import { closeSync, mkdirSync, openSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { readPty } from '../helpers/pty.js';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { BERTH, REPO, berth, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../helpers/bundle.js';

const run = isRoot() && haveBuild() ? describe : describe.skip;
const native = () => createRequire(import.meta.url)(join(REPO, 'dist/native/berth.node'));

/** Fields of /proc/PID/stat after the comm (1-based numbering as in proc(5)). */
function statField(text: string, n: number): string {
  const rest = text.slice(text.lastIndexOf(')') + 2).trim().split(/\s+/);
  return rest[n - 3]!;
}

function pidOf(b: TestBundle, id: string): number {
  const r = berth(b, ['state', id]);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout).pid;
}

run('process and root setup, asserted from inside and from the host', () => {
  const made: TestBundle[] = [];
  afterEach(() => {
    for (const b of made.splice(0)) b.cleanup();
  });
  const bundle = (args: string[], edit?: (c: any, b: TestBundle) => void): TestBundle => {
    const b = makeBundle(args);
    made.push(b);
    edit?.(b.config, b);
    b.write();
    return b;
  };
  const runIn = (script: string, edit?: (c: any, b: TestBundle) => void, flags: string[] = []): string => {
    const b = bundle(['sh', '-c', script], edit);
    const r = berth(b, ['run', ...flags, '--bundle', b.dir, uniqueId()]);
    expect(r.status, r.stderr).toBe(0);
    return r.stdout;
  };
  // /proc/keys is masked by the default config; these tests need to read it.
  const showKeys = (c: any) => (c.linux.maskedPaths = c.linux.maskedPaths.filter((p: string) => p !== '/proc/keys'));

  it('a new session keyring named _ses.<id> per container; --no-new-keyring keeps the caller\'s', () => {
    const b = bundle(['sh', '-c', 'grep -c " _ses\\.$0: " /proc/keys || true'], showKeys);
    const id = uniqueId();
    b.config.process.args.push(id);
    b.write();
    const own = berth(b, ['run', '--bundle', b.dir, id]);
    expect(own.status, own.stderr).toBe(0);
    expect(own.stdout.trim()).toBe('1');
    const id2 = uniqueId();
    b.config.process.args[3] = id2;
    b.write();
    const kept = berth(b, ['run', '--no-new-keyring', '--bundle', b.dir, id2]);
    expect(kept.status, kept.stderr).toBe(0);
    expect(kept.stdout.trim()).toBe('0');
  });

  it('exec joins the container\'s session keyring', () => {
    const b = bundle(['sleep', '60'], showKeys);
    const id = uniqueId();
    expect(berth(b, ['run', '-d', '--bundle', b.dir, id]).status).toBe(0);
    const r = berth(b, ['exec', id, 'sh', '-c', `grep -c " _ses\\.${id}: " /proc/keys`]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe('1');
    // From the host: the keyring exists (root may view it) while the container runs.
    expect(readFileSync('/proc/keys', 'utf8')).toContain(` _ses.${id}: `);
  });

  it('socket activation: LISTEN_FDS fds of berth reach the container as fds 3.., with LISTEN_FDS=N and LISTEN_PID=1', () => {
    const b = bundle(['sh', '-c', 'echo "$LISTEN_FDS $LISTEN_PID"; cat <&3; cat <&4']);
    writeFileSync(join(b.dir, 'three'), 'fd-three\n');
    writeFileSync(join(b.dir, 'four'), 'fd-four\n');
    // `exec` keeps the shell's pid, so LISTEN_PID names berth itself, as systemd would set it.
    const sh = `LISTEN_PID=$$ LISTEN_FDS=1 exec "$0" --root "$1" run --preserve-fds 1 --bundle "$2" "$3" 3<"$2/three" 4<"$2/four"`;
    const out = join(b.dir, 'out');
    const fd = openSync(out, 'w');
    try {
      const r = spawnSync('sh', ['-c', sh, BERTH, b.root, b.dir, uniqueId()], { stdio: ['ignore', fd, 'inherit'] });
      expect(r.status).toBe(0);
    } finally {
      closeSync(fd);
    }
    expect(readFileSync(out, 'utf8')).toBe('1 1\nfd-three\nfd-four\n');
  });

  it('LISTEN_FDS meant for another process (LISTEN_PID not berth) is ignored', () => {
    const b = bundle(['sh', '-c', 'echo "[$LISTEN_FDS]"']);
    const r = spawnSync('sh', ['-c', `LISTEN_PID=1 LISTEN_FDS=1 exec "$0" --root "$1" run --bundle "$2" "$3"`, BERTH, b.root, b.dir, uniqueId()], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('[]\n');
  });

  it('time namespace offsets: monotonic and boottime clocks moved inside only', () => {
    const day = 86400;
    const out = runIn('cut -d. -f1 /proc/uptime', (c) => {
      c.linux.namespaces.push({ type: 'time' });
      c.linux.timeOffsets = { boottime: { secs: 10 * day, nanosecs: 0 }, monotonic: { secs: 5 * day, nanosecs: 0 } };
    });
    const host = Number(readFileSync('/proc/uptime', 'utf8').split('.')[0]);
    const inside = Number(out.trim());
    expect(inside - host).toBeGreaterThanOrEqual(10 * day - 5);
    expect(inside - host).toBeLessThanOrEqual(10 * day + 5);
  });

  it('personality LINUX32: uname -m reports a 32-bit machine', () => {
    expect(spawnSync('uname', ['-m'], { encoding: 'utf8' }).stdout.trim()).toBe('x86_64');
    expect(runIn('uname -m', (c) => (c.linux.personality = { domain: 'LINUX32' }))).toBe('i686\n');
  });

  it('scheduler policy and nice, io priority: seen in /proc from inside and by the host', () => {
    const b = bundle(['sh', '-c', 'cat /proc/self/stat; ionice; sleep 60'], (c) => {
      c.process.scheduler = { policy: 'SCHED_BATCH', nice: 7 };
      c.process.ioPriority = { class: 'IOPRIO_CLASS_BE', priority: 6 };
    });
    const id = uniqueId();
    const out = join(b.dir, 'out');
    const fd = openSync(out, 'w');
    try {
      const r = spawnSync(BERTH, ['--root', b.root, 'run', '-d', '--bundle', b.dir, id], { stdio: ['ignore', fd, 'inherit'] });
      expect(r.status).toBe(0);
    } finally {
      closeSync(fd);
    }
    const pid = pidOf(b, id);
    for (let i = 0; i < 100 && !readFileSync(out, 'utf8').includes('prio'); i++) spawnSync('sleep', ['0.05']);
    const [stat, ionice] = readFileSync(out, 'utf8').trim().split('\n');
    expect(statField(stat!, 19)).toBe('7'); // nice
    expect(statField(stat!, 41)).toBe('3'); // policy: SCHED_BATCH
    expect(ionice).toMatch(/best-effort: prio 6/);
    const host = readFileSync(`/proc/${pid}/stat`, 'utf8');
    expect([statField(host, 19), statField(host, 41)]).toEqual(['7', '3']);
    expect(spawnSync('ionice', ['-p', String(pid)], { encoding: 'utf8' }).stdout).toMatch(/best-effort: prio 6/);
  });

  it('rootfsPropagation: shared makes the root mount a peer group, private leaves none', () => {
    const rootLine = (out: string) => out.split('\n').find((l) => l.split(' ')[4] === '/')!;
    expect(rootLine(runIn('cat /proc/self/mountinfo', (c) => (c.linux.rootfsPropagation = 'shared')))).toMatch(/ shared:\d+ /);
    const priv = rootLine(runIn('cat /proc/self/mountinfo', (c) => (c.linux.rootfsPropagation = 'private')));
    expect(priv).not.toMatch(/ (shared|master):\d+ /);
  });

  it('--no-pivot: MS_MOVE + chroot, the container runs in its root, the host mount table is unchanged', () => {
    const before = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').length;
    const b = bundle(['sh', '-c', 'ls /; cat /proc/1/cmdline | tr "\\0" " "; sleep 60']);
    const id = uniqueId();
    const r = berth(b, ['create', '--no-pivot', '--bundle', b.dir, id]);
    expect(r.status, r.stderr).toBe(0);
    const steps: string[] = JSON.parse(readFileSync(join(b.root, id, 'state.json'), 'utf8')).steps;
    expect(steps.some((s) => /move .*root/i.test(s))).toBe(true);
    expect(steps.some((s) => /pivot_root/.test(s))).toBe(false);
    const pid = pidOf(b, id);
    expect(readFileSync(`/proc/${pid}/mountinfo`, 'utf8').split('\n').find((l) => l.split(' ')[4] === '/')).toContain(b.rootfs);
    expect(berth(b, ['delete', '--force', id]).status).toBe(0);
    expect(readFileSync('/proc/self/mountinfo', 'utf8').split('\n').length).toBe(before);
  });

  it('rro: a recursive read-only bind makes its submounts read-only too (ro alone does not)', () => {
    const b = bundle(['true']);
    const src = join(b.dir, 'src');
    mkdirSync(join(src, 'sub'), { recursive: true });
    // Our own tmpfs under our own temp dir, removed below.
    expect(spawnSync('mount', ['-t', 'tmpfs', 'berth-rro-test', join(src, 'sub')]).status).toBe(0);
    try {
      const write = 'touch /m/sub/x 2>/dev/null && echo sub-rw || echo sub-ro; touch /m/y 2>/dev/null && echo top-rw || echo top-ro';
      const edit = (opts: string[]) => (c: any) => c.mounts.push({ destination: '/m', source: src, type: 'bind', options: opts });
      expect(runIn(write, edit(['rbind', 'rro']))).toBe('sub-ro\ntop-ro\n');
      expect(runIn(write, edit(['rbind', 'ro']))).toBe('sub-rw\ntop-ro\n');
    } finally {
      spawnSync('umount', [join(src, 'sub')]);
      rmdirSync(join(src, 'sub'));
    }
  });

  it('a capability berth itself lacks is dropped with a warning, not a failure (config.md); from inside and from the host', () => {
    // Root on this machine has no CAP_SYS_RESOURCE in its bounding set (checked: else this test proves nothing).
    const bnd = BigInt('0x' + /CapBnd:\s*([0-9a-f]+)/.exec(readFileSync('/proc/self/status', 'utf8'))![1]);
    const sysResource = 1n << 24n;
    expect(bnd & sysResource).toBe(0n);
    const want = ['CAP_KILL', 'CAP_SYS_RESOURCE'];
    const b = bundle(['sh', '-c', 'grep -E "^Cap(Eff|Bnd)" /proc/self/status'], (c) => {
      c.process.capabilities = { bounding: want, effective: want, permitted: want };
    });
    const r = berth(b, ['run', '--bundle', b.dir, uniqueId()]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/level=warning msg="config\.json: \/process\/capabilities: CAP_SYS_RESOURCE cannot be granted/);
    expect(r.stdout).toBe('CapEff:\t0000000000000020\nCapBnd:\t0000000000000020\n');
  });

  it('exec --cap adds a capability, --no-new-privs sets no_new_privs, for that process only', () => {
    const b = bundle(['sleep', '60'], (c) => (c.process.noNewPrivileges = false));
    const id = uniqueId();
    expect(berth(b, ['run', '-d', '--bundle', b.dir, id]).status).toBe(0);
    const status = (args: string[]) => {
      const r = berth(b, ['exec', ...args, id, 'grep', '-E', '^(CapEff|NoNewPrivs)', '/proc/self/status']);
      expect(r.status, r.stderr).toBe(0);
      return r.stdout;
    };
    const plain = status([]);
    expect(plain).toContain('NoNewPrivs:\t0');
    const eff = (s: string) => BigInt('0x' + /CapEff:\t([0-9a-f]+)/.exec(s)![1]);
    const sysAdmin = 1n << 21n;
    expect(eff(plain) & sysAdmin).toBe(0n);
    const more = status(['--cap', 'CAP_SYS_ADMIN', '--no-new-privs']);
    expect(eff(more) & sysAdmin).toBe(sysAdmin);
    expect(more).toContain('NoNewPrivs:\t1');
    expect(status([])).toBe(plain);
  });

  it('exec -t with --console-socket: the exec process gets its own pty', () => {
    const n = native();
    const b = bundle(['sleep', '60']);
    const id = uniqueId();
    expect(berth(b, ['run', '-d', '--bundle', b.dir, id]).status).toBe(0);
    const sock = join(b.dir, 'console.sock');
    const listen = n.listenUnix(sock);
    try {
      const r = berth(b, ['exec', '-t', '--detach', '--console-socket', sock, id, 'sh', '-c', 'tty; echo exec-done; sleep 1']);
      expect(r.status, r.stderr).toBe(0);
      const conn = n.acceptFd(listen, 5000);
      const master = n.recvFd(conn, 5000);
      n.closeFd(conn);
      const out = readPty(master, 'exec-done');
      expect(out).toMatch(/^\/dev\/pts\/\d+\r\nexec-done\r\n/);
    } finally {
      n.closeFd(listen);
    }
  });

  it('the init is reparented to the caller\'s subreaper once create exits (how shims reap it)', () => {
    const b = bundle(['sleep', '60']);
    const id = uniqueId();
    // A subreaper process runs `berth create`, then reports the init's parent pid and its own.
    const script = `
      const { spawnSync } = require('node:child_process');
      const { readFileSync } = require('node:fs');
      require(${JSON.stringify(join(REPO, 'dist/native/berth.node'))}).setSubreaper();
      const r = spawnSync(${JSON.stringify(BERTH)}, ['--root', ${JSON.stringify(b.root)}, 'create', '--bundle', ${JSON.stringify(b.dir)}, ${JSON.stringify(id)}], { stdio: 'ignore' });
      if (r.status !== 0) process.exit(2);
      const pid = JSON.parse(readFileSync(${JSON.stringify(join(b.root, id, 'state.json'))}, 'utf8')).pid;
      const ppid = /PPid:\\s+(\\d+)/.exec(readFileSync('/proc/' + pid + '/status', 'utf8'))[1];
      console.log(process.pid + ' ' + ppid);
    `;
    const r = spawnSync(join(REPO, 'node_modules/.bin/node'), ['-e', script], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    expect(r.status).toBe(0);
    const [me, ppid] = r.stdout.trim().split(' ');
    expect(ppid).toBe(me);
  });
});
