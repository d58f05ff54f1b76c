import { statfsSync } from 'node:fs';
import { isAbsolute, join, posix } from 'node:path';
import type { Report } from './findings.js';
import { pointer } from './pointer.js';

const PROC_SUPER_MAGIC = 0x9fa0;

/** Files under /proc that may be mounted over (what lxcfs emulates; runc allows the same). */
const OVERMOUNTABLE = new Set([
  '/proc/cpuinfo', '/proc/diskstats', '/proc/meminfo', '/proc/stat', '/proc/swaps', '/proc/uptime',
  '/proc/loadavg', '/proc/slabinfo', '/proc/net/dev', '/proc/sys/kernel/ns_last_pid', '/proc/sys/crypto/fips_enabled',
]);

function isProcfs(path: string): boolean {
  try {
    return statfsSync(path).type === PROC_SUPER_MAGIC;
  } catch {
    return false;
  }
}

/**
 * A mount on /proc must be a procfs (type proc, or a bind of one), and nothing may be mounted
 * on a file or dir under /proc except the few lxcfs emulates: berth writes sysctls and other
 * procfs files there, and a host file mounted over one would take the write (CVE-2025-52881;
 * runc refuses the same). The init also writes them only through a procfs handle
 * (addon/init/procfs.cc), which catches what a symlink in the rootfs hides from this check.
 */
export function checkProcMounts(c: any, r: Report, bundleDir?: string): void {
  (c.mounts ?? []).forEach((m: any, i: number) => {
    if (typeof m?.destination !== 'string') return;
    const dst = posix.normalize('/' + m.destination).replace(/\/+$/, '') || '/';
    if (dst !== '/proc' && !dst.startsWith('/proc/')) return;
    const options: string[] = m.options ?? [];
    const bind = m.type === 'bind' || options.includes('bind') || options.includes('rbind');
    if (dst === '/proc') {
      if (!bind && (m.type === 'proc' || m.type === undefined)) return;
      const src = typeof m.source === 'string' ? (isAbsolute(m.source) || !bundleDir ? m.source : join(bundleDir, m.source)) : '';
      if (bind && src && isProcfs(src)) return;
      r.error(pointer('mounts', i), `/proc can only be a mount of type proc (or a bind of a procfs), not ${bind ? `a bind of ${JSON.stringify(m.source)}` : `type ${JSON.stringify(m.type)}`}`);
      return;
    }
    if (!OVERMOUNTABLE.has(dst)) r.error(pointer('mounts', i, 'destination'), `${dst} is inside /proc: nothing may be mounted there`);
  });
}
