import { closeSync, openSync, readdirSync, readFileSync, writeSync } from 'node:fs';
import { spawnSync } from 'node:child_process';

/** Why writing to path fails: at open (ETXTBSY while it runs) or at write (sealed: EPERM). */
export function writeRefused(path: string): string {
  let fd: number;
  try {
    fd = openSync(path, 'r+');
  } catch (e: any) {
    return e.code;
  }
  try {
    writeSync(fd, 'x');
    return 'written';
  } catch (e: any) {
    return e.code;
  } finally {
    closeSync(fd);
  }
}

/** The fds of pid once the dynamic loader is done (it holds one open for a moment at start). */
export function settledFds(pid: number, want: number[]): number[] {
  let fds: number[] = [];
  for (let i = 0; i < 200; i++) {
    fds = readdirSync(`/proc/${pid}/fd`).map(Number).sort((a, b) => a - b);
    if (JSON.stringify(fds) === JSON.stringify(want)) break;
    spawnSync('sleep', ['0.01']);
  }
  return fds;
}

/** The process exists and is not a zombie. */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
  } catch {
    return false;
  }
}
