/**
 * A failure the user can act on: its message is printed as one line (and logged), the process
 * exits with `exitCode`. Anything else that escapes is a bug and is reported as "internal error".
 */
export class BerthError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 1) {
    super(message);
    this.name = 'BerthError';
    this.exitCode = exitCode;
  }
}

/** Error with an errno code from the addon or node:fs. */
export interface ErrnoLike {
  code?: string;
  errno?: number;
  syscall?: string;
  path?: string;
  message: string;
}

export function errnoCode(e: unknown): string | undefined {
  return typeof e === 'object' && e !== null && 'code' in e ? String((e as ErrnoLike).code) : undefined;
}

/** "open /x: no such file or directory" from a Node/addon errno error, without Node's prefixes. */
export function describeErrno(e: unknown): string {
  if (typeof e !== 'object' || e === null) return String(e);
  const err = e as ErrnoLike;
  if (err.code && err.syscall) {
    const text = strerror(err.code) ?? err.message;
    return `${err.syscall}${err.path ? ` ${err.path}` : ''}: ${text}`;
  }
  return err.message;
}

const STRERROR: Record<string, string> = {
  EPERM: 'operation not permitted',
  ENOENT: 'no such file or directory',
  ESRCH: 'no such process',
  EINTR: 'interrupted system call',
  EIO: 'input/output error',
  E2BIG: 'argument list too long',
  ENOEXEC: 'exec format error',
  EBADF: 'bad file descriptor',
  ECHILD: 'no child processes',
  EAGAIN: 'resource temporarily unavailable',
  ENOMEM: 'cannot allocate memory',
  EACCES: 'permission denied',
  EFAULT: 'bad address',
  EBUSY: 'device or resource busy',
  EEXIST: 'file exists',
  EXDEV: 'invalid cross-device link',
  ENODEV: 'no such device',
  ENOTDIR: 'not a directory',
  EISDIR: 'is a directory',
  EINVAL: 'invalid argument',
  ENFILE: 'too many open files in system',
  EMFILE: 'too many open files',
  ENOTTY: 'inappropriate ioctl for device',
  ETXTBSY: 'text file busy',
  EFBIG: 'file too large',
  ENOSPC: 'no space left on device',
  EROFS: 'read-only file system',
  EMLINK: 'too many links',
  EPIPE: 'broken pipe',
  ERANGE: 'numerical result out of range',
  ENAMETOOLONG: 'file name too long',
  ENOSYS: 'function not implemented',
  ENOTEMPTY: 'directory not empty',
  ELOOP: 'too many levels of symbolic links',
  EOPNOTSUPP: 'operation not supported',
  ECONNREFUSED: 'connection refused',
  ETIMEDOUT: 'connection timed out',
  EUSERS: 'too many users',
};

const ERRNO_NAMES: Record<number, string> = {
  1: 'EPERM', 2: 'ENOENT', 3: 'ESRCH', 4: 'EINTR', 5: 'EIO', 7: 'E2BIG', 8: 'ENOEXEC', 9: 'EBADF',
  10: 'ECHILD', 11: 'EAGAIN', 12: 'ENOMEM', 13: 'EACCES', 14: 'EFAULT', 16: 'EBUSY', 17: 'EEXIST',
  18: 'EXDEV', 19: 'ENODEV', 20: 'ENOTDIR', 21: 'EISDIR', 22: 'EINVAL', 23: 'ENFILE', 24: 'EMFILE',
  25: 'ENOTTY', 26: 'ETXTBSY', 27: 'EFBIG', 28: 'ENOSPC', 30: 'EROFS', 31: 'EMLINK', 32: 'EPIPE',
  34: 'ERANGE', 36: 'ENAMETOOLONG', 38: 'ENOSYS', 39: 'ENOTEMPTY', 40: 'ELOOP', 87: 'EUSERS',
  95: 'EOPNOTSUPP', 110: 'ETIMEDOUT', 111: 'ECONNREFUSED',
};

export function strerror(code: string): string | undefined {
  return STRERROR[code];
}

/** Text for a raw errno number as the init reports it. */
export function strerrno(errno: number): string {
  const name = ERRNO_NAMES[errno];
  return (name && STRERROR[name]) ?? `errno ${errno}`;
}
