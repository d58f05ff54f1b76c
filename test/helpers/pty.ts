import { closeSync, readSync } from 'node:fs';

/** Reads a pty master until `until` is in the output, EOF or EIO (the other side closed); closes it. */
export function readPty(master: number, until: string): string {
  let out = '';
  const buf = Buffer.alloc(4096);
  for (let i = 0; i < 50 && !out.includes(until); i++) {
    try {
      const n = readSync(master, buf);
      if (n === 0) break;
      out += buf.subarray(0, n).toString();
    } catch {
      break; // EIO: the container side closed
    }
  }
  closeSync(master);
  return out;
}
