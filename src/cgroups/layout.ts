/**
 * Which cgroup layout the host has, from /proc/self/mountinfo:
 * - unified: only cgroup2 (normally at /sys/fs/cgroup);
 * - hybrid: v1 controller hierarchies plus a cgroup2 mount (normally /sys/fs/cgroup/unified);
 * - legacy: v1 hierarchies only.
 */
import { readFileSync } from 'node:fs';
import { CgroupError } from './errors.js';
import type { CgroupLayout } from './types.js';

export interface CgroupMount {
  /** Where it is mounted, e.g. "/sys/fs/cgroup/memory". */
  mountpoint: string;
  /** The cgroup of the hierarchy shown at the mount point (field 4 of mountinfo), usually "/". */
  root: string;
  version: 1 | 2;
  /** v1: the controllers of the hierarchy ("cpu", "cpuacct", "name=systemd"); v2: []. */
  controllers: string[];
}

/** The v1 controllers berth knows; a mount's other super options are ignored. */
export const V1_CONTROLLERS = [
  'cpuset', 'cpu', 'cpuacct', 'memory', 'devices', 'freezer', 'net_cls', 'net_prio', 'blkio',
  'perf_event', 'hugetlb', 'pids', 'rdma', 'misc',
] as const;

function unescapeMountinfo(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

export function parseMountinfo(text: string): CgroupMount[] {
  const out: CgroupMount[] = [];
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const pre = line.slice(0, sep).split(' ');
    const post = line.slice(sep + 3).split(' ');
    const fstype = post[0];
    if (fstype !== 'cgroup' && fstype !== 'cgroup2') continue;
    const root = unescapeMountinfo(pre[3] ?? '/');
    const mountpoint = unescapeMountinfo(pre[4] ?? '');
    if (fstype === 'cgroup2') {
      out.push({ mountpoint, root, version: 2, controllers: [] });
      continue;
    }
    const opts = (post[2] ?? '').split(',');
    const controllers = opts.filter(
      (o) => (V1_CONTROLLERS as readonly string[]).includes(o) || o.startsWith('name='),
    );
    if (controllers.length) out.push({ mountpoint, root, version: 1, controllers });
  }
  return out;
}

/** The cgroup2 mount holding dir (the deepest one), from mountinfo text. */
export function cgroup2MountOf(dir: string, mountinfo: string): CgroupMount | undefined {
  return parseMountinfo(mountinfo)
    .filter((m) => m.version === 2 && (dir === m.mountpoint || dir.startsWith(m.mountpoint + '/')))
    .sort((a, b) => b.mountpoint.length - a.mountpoint.length)[0];
}

export function layoutFromMounts(mounts: CgroupMount[]): CgroupLayout {
  const v1 = mounts.some((m) => m.version === 1 && m.controllers.some((c) => !c.startsWith('name=')));
  const v2 = mounts.some((m) => m.version === 2);
  if (v1) return v2 ? 'hybrid' : 'legacy';
  if (v2) return 'unified';
  throw new CgroupError('no cgroup filesystem is mounted (see /proc/self/mountinfo)');
}

/** The host's layout, read from /proc/self/mountinfo (or the text given, for tests). */
export function detectLayout(mountinfo?: string): CgroupLayout {
  return layoutFromMounts(parseMountinfo(mountinfo ?? readFileSync('/proc/self/mountinfo', 'utf8')));
}
