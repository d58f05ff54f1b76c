import { BerthError, errnoCode, strerror } from '../errors.js';

/** A cgroup failure the user can act on; the message starts with the spec field when there is one. */
export class CgroupError extends BerthError {
  constructor(message: string) {
    super(message);
    this.name = 'CgroupError';
  }
}

/** "invalid argument" for an EINVAL from node:fs, the raw message otherwise. */
export function errnoText(e: unknown): string {
  const code = errnoCode(e);
  if (code) return strerror(code) ?? code;
  return e instanceof Error ? e.message : String(e);
}
