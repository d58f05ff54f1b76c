import { closeSync, constants, fstatSync, openSync, readFileSync } from 'node:fs';

/** Larger JSON documents are refused rather than read (a config with 50 MB of annotations fits). */
export const MAX_DOCUMENT_BYTES = 256 * 1024 * 1024;

/**
 * Read a JSON document (config.json, a --process file) as UTF-8: only a regular file, and not
 * one beyond MAX_DOCUMENT_BYTES. A FIFO, /dev/zero or a socket would make a plain read block or
 * run out of memory; such a path gets a clear error instead. Opened O_NONBLOCK so that even
 * opening a FIFO with no writer does not block. Throws a NodeJS error with a code, or an Error
 * whose message says what is wrong.
 */
export function readDocument(path: string): string {
  const fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) throw new Error('not a regular file');
    if (st.size > MAX_DOCUMENT_BYTES) throw new Error(`larger than ${MAX_DOCUMENT_BYTES} bytes`);
    return readFileSync(fd, 'utf8');
  } finally {
    closeSync(fd);
  }
}
