/**
 * A command run with a watchdog, for the VM lanes where a rare stall must come back as a failure
 * that says where it waited, not as a lane sitting until the VM's timeout. The command runs
 * asynchronously (the test worker's event loop keeps turning, so vitest's worker RPC is not
 * starved under emulation); past its time, before it is SIGKILLed, the result's `stuck` says what
 * the command and every process below it were doing (state, wait channel, kernel stack, the
 * syscall), what the system looked like (ps) and, where systemd is PID 1, its job queue.
 * Output goes through files, not pipes: a container left running keeps berth's stdio open.
 */
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface WatchedResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Set when the command ran past its time: where it and its descendants were waiting. */
  stuck?: string;
}

function readOr(path: string, or = '?'): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return or;
  }
}

/** pid → its parent, from /proc/PID/stat (the comm in parentheses may hold spaces). */
function parents(): Map<number, number> {
  const m = new Map<number, number>();
  for (const e of readdirSync('/proc')) {
    if (!/^\d+$/.test(e)) continue;
    const stat = readOr(`/proc/${e}/stat`, '');
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    if (ppid > 0) m.set(Number(e), ppid);
  }
  return m;
}

/** The process and its descendants, each with its state, wait channel, kernel stack and syscall. */
function describeTree(root: number): string {
  const ppid = parents();
  const tree = [root];
  for (let i = 0; i < tree.length; i++) for (const [pid, pp] of ppid) if (pp === tree[i]) tree.push(pid);
  return tree
    .map((pid) => {
      const status = readOr(`/proc/${pid}/status`, '');
      const field = (k: string) => new RegExp(`^${k}:\\s*(.*)$`, 'm').exec(status)?.[1] ?? '?';
      const cmd = readOr(`/proc/${pid}/cmdline`, '').split('\0').join(' ').trim();
      return [
        `pid ${pid} (ppid ${ppid.get(pid) ?? '?'}) ${cmd}`,
        `  state ${field('State')}, threads ${field('Threads')}, wchan ${readOr(`/proc/${pid}/wchan`)}, syscall ${readOr(`/proc/${pid}/syscall`).trim()}`,
        `  cgroup ${readOr(`/proc/${pid}/cgroup`).trim().split('\n').join(' | ')}`,
        ...readOr(`/proc/${pid}/stack`, '').trim().split('\n').filter(Boolean).map((l) => `  ${l}`),
      ].join('\n');
    })
    .join('\n');
}

function capture(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8', timeout: 10_000, killSignal: 'SIGKILL' });
  return r.error ? `(${cmd}: ${r.error.message})` : `${r.stdout}${r.stderr}`.trim();
}

/** What a stuck command shows: its process tree, the system's processes, systemd's jobs. */
function diagnose(pid: number, what: string, ms: number): string {
  return [
    `${what}: still running after ${ms / 1000} s; where it waits:`,
    describeTree(pid),
    '--- ps',
    capture('ps', ['-eo', 'pid,ppid,stat,wchan:32,etimes,args']),
    ...(existsSync('/run/systemd/system') ? ['--- systemctl list-jobs', capture('systemctl', ['list-jobs', '--no-pager'])] : []),
  ].join('\n');
}

/** Run argv (stdin closed); past timeoutMs, describe where it waits, then SIGKILL it. */
export async function runWatched(argv: string[], timeoutMs: number): Promise<WatchedResult> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-watched-'));
  const out = openSync(join(dir, 'out'), 'w+');
  const err = openSync(join(dir, 'err'), 'w+');
  try {
    const [cmd, ...args] = argv;
    const child = spawn(cmd!, args, { stdio: ['ignore', out, err] });
    let stuck: string | undefined;
    const timer = setTimeout(() => {
      stuck = child.pid === undefined ? undefined : diagnose(child.pid, argv.join(' '), timeoutMs);
      child.kill('SIGKILL');
    }, timeoutMs);
    const [status, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => {
      child.on('error', () => resolve([null, null]));
      child.on('exit', (code, sig) => resolve([code, sig]));
    });
    clearTimeout(timer);
    return {
      status,
      signal,
      stdout: readFileSync(join(dir, 'out'), 'utf8'),
      stderr: readFileSync(join(dir, 'err'), 'utf8'),
      ...(stuck !== undefined ? { stuck } : {}),
    };
  } finally {
    closeSync(out);
    closeSync(err);
    rmSync(dir, { recursive: true, force: true });
  }
}
