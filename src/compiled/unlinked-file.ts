import { accessSync, closeSync, constants, openSync, writeSync } from 'node:fs';

/** O_TMPFILE without its O_DIRECTORY half (the same number on x86-64 and arm64; O_DIRECTORY is not). */
const __O_TMPFILE = 0o20000000;
/** Not in fs.constants (Node and Bun add it to every open anyway); explicit here. */
const O_CLOEXEC = 0o2000000;

/**
 * An unnamed file holding bytes, close-on-exec, in a tmpfs dir: open(dir, O_TMPFILE | O_EXCL,
 * 0500) makes an inode that has no name, was never in the directory, and (O_EXCL) can never be
 * linked into one, so nothing can plant it, find it or swap it; only this process's fd reaches
 * it, as with a memfd. Returns its fd, or undefined where the kernel or the file system says no
 * (no O_TMPFILE support, no such dir) or where the file could not be mapped as code (a noexec
 * mount, as /dev/shm is in many containers: access(2) X_OK says so; a dlopen that fails there
 * leaves a stray mapping behind): the caller falls back to a memfd.
 *
 * Why not always a memfd: JavaScript has no memfd_create, and reaching libc's through bun:ffi
 * costs each command that loads the addon ~1 ms and ~3 MiB of peak RSS (Bun compiles its FFI
 * trampolines at run time). The file is not sealed as a memfd is; its only writer is the fd
 * this returns, which the caller closes once the addon is mapped.
 */
export function unlinkedFile(dir: string, bytes: Uint8Array): number | undefined {
  let fd: number;
  try {
    fd = openSync(dir, __O_TMPFILE | constants.O_DIRECTORY | constants.O_RDWR | constants.O_EXCL | O_CLOEXEC, 0o500);
  } catch {
    return undefined;
  }
  try {
    accessSync(`/proc/self/fd/${fd}`, constants.X_OK);
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off);
  } catch {
    closeSync(fd);
    return undefined;
  }
  return fd;
}
