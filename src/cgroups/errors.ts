import { BerthError, errnoCode, strerror } from '../errors.js';

/** A cgroup failure the user can act on; the message starts with the spec field when there is one. */
export class CgroupError extends BerthError {
  /** The errno code behind it, where one is (EACCES for a cgroup tree not delegated). */
  readonly code?: string;
  constructor(message: string, code?: string) {
    super(message);
    this.name = 'CgroupError';
    if (code !== undefined) this.code = code;
  }
}

/** "invalid argument" for an EINVAL from node:fs, the raw message otherwise. */
export function errnoText(e: unknown): string {
  const code = errnoCode(e);
  if (code) return strerror(code) ?? code;
  return e instanceof Error ? e.message : String(e);
}
