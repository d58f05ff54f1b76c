import { writeSync } from 'node:fs';
import { sleepMs } from '../sleep.js';

/**
 * Write all of data to fd with write(2), the same under Node and Bun. berth never uses
 * process.stdout/stderr: Bun makes such a stream's fd O_NONBLOCK, and a pipe shares that flag
 * with the container that inherits it (`run`, foreground `exec`), whose writes then fail with
 * EAGAIN. An fd someone else made non-blocking is waited on (EAGAIN: 1 ms pauses); a reader that
 * went away (EPIPE) ends the write quietly, as a closed stdout does for runc.
 */
export function writeAll(fd: number, data: string | Uint8Array): void {
  let buf = typeof data === 'string' ? Buffer.from(data) : data;
  while (buf.length > 0) {
    try {
      buf = buf.subarray(writeSync(fd, buf));
    } catch (e) {
      const code = (e as { code?: string }).code;
      if (code === 'EAGAIN') sleepMs(1);
      else if (code === 'EINTR') continue;
      else if (code === 'EPIPE') return;
      else throw e;
    }
  }
}

/** Text to berth's stdout. */
export function stdout(text: string | Uint8Array): void {
  writeAll(1, text);
}

/** Text to berth's stderr (nowhere to report a failure of that). */
export function stderr(text: string): void {
  try {
    writeAll(2, text);
  } catch {
    // stderr closed or broken
  }
}
