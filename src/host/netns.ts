/**
 * Whether a network namespace file is the runtime's own (/proc/self/ns/net): the same nsfs inode
 * on the same device, as runc compares them (linux.sysctl net.* keys, validate/sysctls.ts).
 */
import { statSync } from 'node:fs';
import { describeErrno } from '../errors.js';

export function isOwnNetns(path: string): boolean {
  try {
    const own = statSync('/proc/self/ns/net', { bigint: true });
    const other = statSync(path, { bigint: true });
    return own.dev === other.dev && own.ino === other.ino;
  } catch (e) {
    throw new Error(`cannot tell whether it is the runtime's own network namespace: ${describeErrno(e)}`);
  }
}
