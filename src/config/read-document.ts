import { closeSync, constants, fstatSync, openSync, readFileSync, readSync } from 'node:fs';
import { sleepMs } from '../sleep.js';
import { decodeUtf8Strict } from './strict-json.js';

/** Larger JSON documents are refused rather than read (a config with 50 MB of annotations fits). */
export const MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;

/** How long a pipe may take to deliver its document (and reach EOF). */
export const PIPE_DEADLINE_MS = 10_000;

/**
 * Read a JSON document (config.json, a --process file) as strict UTF-8 (bytes that are not
 * are an error naming the byte offset, never replaced): a regular file, or with
 * `pipes` a pipe or FIFO (`exec -p <(...)`, as runc takes), and never beyond MAX_DOCUMENT_BYTES.
 * /dev/zero, a socket or a directory would make a plain read block or run out of memory; such a
 * path gets a clear error instead. Opened O_NONBLOCK so that opening a FIFO with no writer does
 * not block, and a pipe is read only until PIPE_DEADLINE_MS. Throws a NodeJS error with a code,
 * or an Error whose message says what is wrong.
 */
export function readDocument(path: string, opts: { pipes?: boolean } = {}): string {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (opts.pipes && st.isFIFO()) return readPipe(fd);
    if (!st.isFile()) throw new Error(opts.pipes ? 'not a regular file or a pipe' : 'not a regular file');
    if (st.size > MAX_DOCUMENT_BYTES) throw new Error(`larger than ${MAX_DOCUMENT_BYTES} bytes`);
    return decodeUtf8Strict(readFileSync(fd));
  } finally {
    closeSync(fd);
  }
}

/** A non-blocking pipe read to EOF, within the deadline and the size limit. */
function readPipe(fd: number): string {
  const chunks: Buffer[] = [];
  let size = 0;
  const deadline = Date.now() + PIPE_DEADLINE_MS;
  for (;;) {
    const buf = Buffer.allocUnsafe(65536);
    let n: number;
    try {
      n = readSync(fd, buf, 0, buf.length, null);
    } catch (e) {
      if ((e as { code?: string }).code !== 'EAGAIN') throw e;
      if (Date.now() > deadline) throw new Error(`a pipe that did not reach its end within ${PIPE_DEADLINE_MS / 1000} s`);
      sleepMs(1);
      continue;
    }
    if (n === 0) break;
    size += n;
    if (size > MAX_DOCUMENT_BYTES) throw new Error(`larger than ${MAX_DOCUMENT_BYTES} bytes`);
    chunks.push(buf.subarray(0, n));
  }
  if (size === 0) throw new Error('empty (a pipe or FIFO nothing was written to)');
  return decodeUtf8Strict(Buffer.concat(chunks));
}
