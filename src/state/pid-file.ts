import { renameSync, rmSync, writeFileSync } from 'node:fs';

/**
 * --pid-file, atomic like runc's (engines poll for the file): a temp file beside it, renamed over
 * it. On failure the temp file is removed and the error (errno) thrown for the caller to name.
 */
export function writePidFile(path: string, pid: number): void {
  const tmp = `${path}.berth-${process.pid}`;
  try {
    writeFileSync(tmp, String(pid));
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
