import type * as Ffi from 'bun:ffi';
import { closeSync, writeSync } from 'node:fs';

const MFD_CLOEXEC = 0x1;
const MFD_ALLOW_SEALING = 0x2;
/** Linux 6.3+: executable on purpose (no vm.memfd_noexec warning); older kernels say EINVAL. */
const MFD_EXEC = 0x10;
const F_ADD_SEALS = 1033;
const F_SEAL_ALL = 0x1 | 0x2 | 0x4 | 0x8; // SEAL, SHRINK, GROW, WRITE

const EINVAL = 22;

/** Bun's own loader, synchronous (ESM's import() is not): bun:ffi costs ~1 ms to load, so
 * only the commands that load the addon pay it. */
declare const require: (id: string) => unknown;

/** libc through Bun's FFI: the addon is what this loads, so it cannot make its own memfd. */
function libc() {
  const { dlopen, FFIType } = require('bun:ffi') as typeof Ffi;
  return dlopen('libc.so.6', {
    memfd_create: { args: [FFIType.cstring, FFIType.u32], returns: FFIType.i32 },
    fcntl: { args: [FFIType.i32, FFIType.i32, FFIType.i32], returns: FFIType.i32 },
    __errno_location: { args: [], returns: FFIType.ptr },
  }).symbols;
}

function errnoError(syscall: string, path: string, errno: number): Error {
  const { getSystemErrorName } = require('node:util') as typeof import('node:util');
  const code = getSystemErrorName(-errno);
  return Object.assign(new Error(`${syscall} ${path}: ${code}`), { code, errno, syscall, path });
}

/**
 * A sealed memfd holding bytes, close-on-exec; returns its fd. Nothing touches the file system:
 * the addon and berth-init are loaded from memory (no copy in /tmp to plant or to find noexec).
 */
export function sealedMemfd(name: string, bytes: Uint8Array): number {
  const c = libc();
  const { ptr, read } = require('bun:ffi') as typeof Ffi;
  const cname = ptr(Buffer.from(`${name}\0`));
  const errno = () => read.i32(c.__errno_location());
  let fd = c.memfd_create(cname, MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
  if (fd < 0 && errno() === EINVAL) fd = c.memfd_create(cname, MFD_CLOEXEC | MFD_ALLOW_SEALING);
  if (fd < 0) throw errnoError('memfd_create', name, errno());
  try {
    for (let off = 0; off < bytes.length; ) off += writeSync(fd, bytes, off);
    if (c.fcntl(fd, F_ADD_SEALS, F_SEAL_ALL) < 0) throw errnoError('fcntl F_ADD_SEALS', name, errno());
  } catch (e) {
    closeSync(fd);
    throw e;
  }
  return fd;
}
