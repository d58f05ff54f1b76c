import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { BerthError, describeErrno, errnoCode } from '../errors.js';
import { seal, unseal } from './seal.js';

/** A record file read back: the checked value, no file, or what is wrong with it. */
export type RecordRead<T> = { value: T } | { absent: true } | { damaged: string };

/**
 * Read a sealed record (state/seal.ts) and check its shape; a file that is not what berth wrote
 * is `damaged`, with `<file>: <what is wrong>` (one line). ENOENT and ENOTDIR are `absent`;
 * a file berth may not read (EACCES, EPERM) is an error, not damage.
 */
export function readRecord<T>(file: string, check: (v: unknown) => string | undefined): RecordRead<T> {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    const code = errnoCode(e);
    if (code === 'ENOENT' || code === 'ENOTDIR') return { absent: true };
    if (code === 'EACCES' || code === 'EPERM') throw new BerthError(`read ${file}: ${describeErrno(e)}`);
    return { damaged: `${file}: damaged record: ${describeErrno(e)}` };
  }
  const r = unseal(text);
  if ('damage' in r) return { damaged: `${file}: damaged record: ${r.damage}` };
  const wrong = check(r.value);
  if (wrong) return { damaged: `${file}: damaged record: ${wrong}` };
  return { value: r.value as T };
}

/**
 * Write a sealed record atomically: a temp file beside it, renamed over it, so a reader sees
 * the old record or the new one. A failed write (ENOSPC) leaves no temp file and the old record.
 */
export function writeRecord(file: string, value: object): void {
  const tmp = join(dirname(file), `.${basename(file)}.${process.pid}`);
  try {
    writeFileSync(tmp, seal(value), { mode: 0o600 });
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}
