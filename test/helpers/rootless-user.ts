/**
 * A non-root user for the rootless tests, made in test setup and removed after (with its
 * /etc/subuid and /etc/subgid lines and every process it still has, each ended by PID). Its
 * files live in a temp dir: an XDG_RUNTIME_DIR (0700, its own), a HOME, and a copy of the berth
 * under test where the user can run it (the checkout may sit under a dir it cannot enter).
 */
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { chmodSync, chownSync, closeSync, copyFileSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { BERTH } from './bundle.js';

export interface IdRange {
  start: number;
  count: number;
}

export interface RunOptions {
  cwd?: string;
  env?: Record<string, string>;
  timeout?: number;
  /** A cgroup dir to start the program in. */
  cgroup?: string;
}

export interface RootlessUser {
  name: string;
  uid: number;
  gid: number;
  subuid: IdRange;
  subgid: IdRange;
  /** The temp dir holding everything below (0755, root's). */
  dir: string;
  xdg: string;
  home: string;
  /** The berth the user runs. */
  berth: string;
  env: Record<string, string>;
  /** Run a program as the user (no tty, output through files), in cwd (default: dir). */
  run(cmd: string, args: string[], opts?: RunOptions): SpawnSyncReturns<string>;
  /** `berth ARGS` as the user, state root left to berth's default ($XDG_RUNTIME_DIR/berth). */
  berthAs(args: string[], opts?: RunOptions): SpawnSyncReturns<string>;
  /** Live processes the user owns (pid list). */
  processes(): number[];
  remove(): void;
}

function sh(cmd: string, args: string[]): SpawnSyncReturns<string> {
  return spawnSync(cmd, args, { encoding: 'utf8' });
}

function rangeOf(file: string, name: string): IdRange | undefined {
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [who, start, count] = line.split(':');
    if (who === name && start && count) return { start: Number(start), count: Number(count) };
  }
  return undefined;
}

/** Processes owned by uid or by an id of its subuid range (its containers' users). */
function ownedBy(uid: number, sub?: IdRange): number[] {
  const out: number[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const owner = statSync(`/proc/${p}`).uid;
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      if (/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2))) continue; // exited, not yet reaped
      if (owner === uid || (sub && sub.count > 0 && owner >= sub.start && owner < sub.start + sub.count)) out.push(Number(p));
    } catch {
      // gone
    }
  }
  return out;
}

/** True where the tools the rootless tests need are here (root, useradd, setpriv, newuidmap). */
export function rootlessToolsMissing(): string | undefined {
  if (process.getuid?.() !== 0) return 'not root';
  for (const t of ['useradd', 'userdel', 'setpriv', 'newuidmap', 'newgidmap']) {
    if (sh('sh', ['-c', `command -v ${t}`]).status !== 0) return `${t} is not installed`;
  }
  return undefined;
}

export function makeRootlessUser(): RootlessUser {
  // useradd(8) gives a new user SUB_UID_COUNT ids in /etc/subuid and /etc/subgid (login.defs).
  const name = `brl${process.pid.toString(36)}${Date.now().toString(36).slice(-5)}`;
  const add = sh('useradd', ['--no-create-home', '--home-dir', '/nonexistent', '--shell', '/bin/sh', '--user-group', name]);
  if (add.status !== 0) throw new Error(`useradd ${name}: ${add.stderr}`);
  const uid = Number(sh('id', ['-u', name]).stdout.trim());
  const gid = Number(sh('id', ['-g', name]).stdout.trim());
  const dir = mkdtempSync(join(tmpdir(), 'berth-rootless-'));
  chmodSync(dir, 0o755);
  const user: RootlessUser = {
    name, uid, gid, dir,
    subuid: rangeOf('/etc/subuid', name) ?? { start: 0, count: 0 },
    subgid: rangeOf('/etc/subgid', name) ?? { start: 0, count: 0 },
    xdg: join(dir, 'xdg'),
    home: join(dir, 'home'),
    // The single executable is copied; another build (bin/berth-node) runs where it is.
    berth: basename(BERTH) === 'berth' ? join(dir, 'bin', 'berth') : BERTH,
    env: {},
    run(cmd, args, opts = {}) {
      const out = openSync(join(dir, 'out'), 'w+');
      const err = openSync(join(dir, 'err'), 'w+');
      try {
        const priv = ['setpriv', '--reuid', String(uid), '--regid', String(gid), '--clear-groups', '--', cmd, ...args];
        // opts.cgroup: start it in that cgroup (root moves the shell there, then drops to the user).
        const argv = opts.cgroup ? ['sh', '-c', 'echo $$ > "$0/cgroup.procs" && exec "$@"', opts.cgroup, ...priv] : priv;
        const r = spawnSync(argv[0]!, argv.slice(1), {
          cwd: opts.cwd ?? dir,
          env: { ...user.env, ...opts.env },
          encoding: 'utf8',
          timeout: opts.timeout ?? 30_000,
          stdio: ['ignore', out, err],
        });
        return { ...r, stdout: readFileSync(join(dir, 'out'), 'utf8'), stderr: readFileSync(join(dir, 'err'), 'utf8') };
      } finally {
        closeSync(out);
        closeSync(err);
        rmSync(join(dir, 'out'), { force: true });
        rmSync(join(dir, 'err'), { force: true });
      }
    },
    berthAs(args, opts) {
      return user.run(user.berth, args, opts);
    },
    processes() {
      return ownedBy(uid, user.subuid);
    },
    remove() {
      for (let i = 0; i < 3; i++) {
        const left = ownedBy(uid, user.subuid);
        if (left.length === 0) break;
        for (const p of left) {
          try {
            process.kill(p, 'SIGKILL');
          } catch {
            // gone
          }
        }
        spawnSync('sleep', ['0.2']);
      }
      sh('userdel', ['--remove', name]); // its subuid/subgid lines go with it
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    for (const d of [user.xdg, user.home]) {
      mkdirSync(d, { mode: 0o700 });
      chownSync(d, uid, gid);
    }
    if (user.berth !== BERTH) {
      mkdirSync(join(dir, 'bin'), { mode: 0o755 });
      copyFileSync(BERTH, user.berth);
      chmodSync(user.berth, 0o755);
    }
    user.env = {
      PATH: '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin',
      HOME: user.home,
      USER: name,
      LOGNAME: name,
      XDG_RUNTIME_DIR: user.xdg,
    };
  } catch (e) {
    user.remove();
    throw e;
  }
  return user;
}
