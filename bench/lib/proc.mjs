// Running the runtimes. stdout and stderr go to files, never pipes: a container's init inherits
// the runtime's stdio, and a pipe held open by it would make spawnSync (or 'close') wait for it.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, ftruncateSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkpoint } from './cleanup.mjs';

let dir, outPath, errPath, out, err;

/** The output files, in a temp dir made on first use (removed by closeOutput). */
function files() {
  if (!dir) {
    dir = mkdtempSync(join(tmpdir(), 'berth-bench-out-'));
    outPath = join(dir, 'out');
    errPath = join(dir, 'err');
    out = openSync(outPath, 'a+');
    err = openSync(errPath, 'a+');
  }
}

export function closeOutput() {
  if (!dir) return;
  closeSync(out);
  closeSync(err);
  rmSync(dir, { recursive: true, force: true });
  dir = undefined;
}

export class RunError extends Error {}

/** argv for a message: the crun wrapper's script left out, the bench's temp dir shortened. */
const show = (argv) => argv.filter((a) => !a.includes(' ')).join(' ').replace(/\/tmp\/berth-bench-[^/ ]+\//g, '…/').slice(0, 200);

const lastLine = (s) => s.trim().split('\n').filter(Boolean).pop() ?? '';

/**
 * Run argv synchronously (with `env`: that environment); stdout is returned only with `capture`
 * (a file read after the exit).
 * Throws RunError (with the last line of stderr) unless the exit status is in `ok`.
 */
export function runSync(argv, { ok = [0], capture = false, timeout = 60_000, env } = {}) {
  files();
  ftruncateSync(out, 0);
  ftruncateSync(err, 0);
  const r = spawnSync(argv[0], argv.slice(1), { stdio: ['ignore', capture ? out : 'ignore', err], timeout, ...(env ? { env } : {}) });
  const stderr = () => readFileSync(errPath, 'utf8');
  // 'nonzero': an error is expected, and an error says why on stderr.
  const good = ok === 'nonzero' ? r.status !== 0 && r.status !== null && stderr().trim() !== '' : ok.includes(r.status);
  if (!good) {
    const why = r.error?.message ?? (r.signal ? `signal ${r.signal}` : ok === 'nonzero' && r.status ? `exit ${r.status}, nothing on stderr` : `exit ${r.status}`);
    throw new RunError(`\`${show(argv)}\`: ${why}${lastLine(stderr()) ? `: ${lastLine(stderr()).slice(0, 200)}` : ''}`);
  }
  return capture ? readFileSync(outPath, 'utf8') : '';
}

/** Same, not throwing: true when the exit status is 0. */
export function trySync(argv, opts = {}) {
  try {
    runSync(argv, opts);
    return true;
  } catch {
    return false;
  }
}

/** Start argv without waiting; resolves to its exit status (stdio: /dev/null, stderr to the shared file). */
export function runAsync(argv) {
  files();
  return new Promise((res) => {
    const c = spawn(argv[0], argv.slice(1), { stdio: ['ignore', 'ignore', err] });
    c.on('error', () => res(-1));
    c.on('exit', (code, sig) => res(sig ? -1 : code));
  });
}

/** Run `jobs` (functions returning promises) with at most `width` at once; `abortable`: stop at a signal. */
export async function pool(width, jobs, { abortable = true } = {}) {
  const results = new Array(jobs.length);
  let next = 0;
  const worker = async () => {
    while (next < jobs.length) {
      if (abortable) checkpoint();
      const i = next++;
      results[i] = await jobs[i]();
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, jobs.length) }, worker));
  return results;
}

export function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

export function alive(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return false;
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
