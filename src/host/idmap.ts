import { existsSync, readFileSync } from 'node:fs';
import { native, type Native } from '../native/addon.js';

/** errno values idmapProbe can answer with. */
const ENOSYS = 38;
const EPERM = 1;
const EBADF = 9;

/** Can this host make idmapped mounts (mount_setattr(2) MOUNT_ATTR_IDMAP)? */
export interface IdmapSupport {
  enabled: boolean;
  /** Why not, when not enabled. */
  reason?: string;
}

let cached: IdmapSupport | undefined;

/**
 * Idmapped mounts need mount_setattr with MOUNT_ATTR_IDMAP (Linux 5.12) and user namespaces to
 * carry the mappings. One syscall that changes nothing (the addon's idmapProbe) and two file
 * reads; once per process. Whether a given filesystem can be idmapped is up to the filesystem
 * (the error of `create` names it).
 */
export function probeIdmap(n?: Pick<Native, 'idmapProbe'>): IdmapSupport {
  if (cached && !n) return cached;
  const result = probe(n);
  if (!n) cached = result;
  return result;
}

function probe(n: Pick<Native, 'idmapProbe'> | undefined): IdmapSupport {
  if (!existsSync('/proc/self/ns/user')) return { enabled: false, reason: 'the kernel has no user namespaces (CONFIG_USER_NS)' };
  try {
    if (readFileSync('/proc/sys/user/max_user_namespaces', 'utf8').trim() === '0') {
      return { enabled: false, reason: 'user namespaces are disabled (/proc/sys/user/max_user_namespaces is 0)' };
    }
  } catch {
    // not there: no limit to check
  }
  let errno: number;
  try {
    errno = (n ?? native()).idmapProbe();
  } catch (e: any) {
    if (e?.code === 'MODULE_NOT_FOUND' || e?.code === 'ERR_DLOPEN_FAILED') return { enabled: false, reason: 'the native addon is not built' };
    throw e;
  }
  if (errno === EBADF || errno === 0) return { enabled: true };
  if (errno === ENOSYS) return { enabled: false, reason: 'the kernel has no mount_setattr (Linux 5.12 or later)' };
  if (errno === EPERM) return { enabled: false, reason: 'mount_setattr is refused here (a seccomp filter or a missing privilege)' };
  return { enabled: false, reason: `the kernel refuses MOUNT_ATTR_IDMAP (mount_setattr: errno ${errno})` };
}
