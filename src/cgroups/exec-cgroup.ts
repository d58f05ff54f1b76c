/**
 * The cgroup an `exec`'d process is born in / joins. Normally the container's own. On cgroup v2,
 * once the container has made its cgroup an inner node (it enabled controllers in its
 * cgroup.subtree_control for sub-cgroups of its own, as systemd or a nested runtime inside it
 * does), the kernel refuses new processes there ("no internal processes": EBUSY); as runc does,
 * the process then goes to the cgroup the container's init is in, which the container chose,
 * provided that lies inside the container's cgroup.
 */
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';
import { readControl } from './apply.js';
import { cgroup2MountOf } from './layout.js';
import { parseProcCgroup } from './path.js';
import type { CgroupRecord } from './types.js';

/**
 * Pure: the dir for the new process, from the container's v2 dir, its cgroup.subtree_control,
 * the init's /proc/PID/cgroup and the cgroup2 mount point holding the dir.
 */
export function execCgroupDir(dir: string, subtreeControl: string | undefined, initProcCgroup: string | undefined, mountpoint: string | undefined): string {
  if (!subtreeControl?.trim() || initProcCgroup === undefined || mountpoint === undefined) return dir;
  const own = parseProcCgroup(initProcCgroup).get('');
  if (own === undefined || !own.startsWith('/')) return dir;
  const target = posix.join(mountpoint, posix.normalize(own));
  return target.startsWith(dir + '/') ? target : dir;
}

/** The record exec uses: the container's, with the v2 dir moved to the init's cgroup where needed. */
export function execCgroup(rec: CgroupRecord, initPid: number): CgroupRecord {
  const dir = rec.paths[''];
  if (rec.layout !== 'unified' || dir === undefined) return rec;
  let proc: string | undefined;
  let mountinfo: string;
  try {
    proc = readFileSync(`/proc/${initPid}/cgroup`, 'utf8');
    mountinfo = readFileSync('/proc/self/mountinfo', 'utf8');
  } catch {
    return rec; // the init is gone: exec fails on its namespaces, not here
  }
  const mount = cgroup2MountOf(dir, mountinfo);
  // A mount of a sub-tree (cgroup namespace) cannot map the init's path: keep the container's dir.
  const mountpoint = mount?.root === '/' ? mount.mountpoint : undefined;
  const target = execCgroupDir(dir, readControl(posix.join(dir, 'cgroup.subtree_control')), proc, mountpoint);
  return target === dir ? rec : { ...rec, paths: { ...rec.paths, '': target } };
}
