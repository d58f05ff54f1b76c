/**
 * Which cgroup dir the init is born in (spawnInit's clone3 CLONE_INTO_CGROUP, docs/CGROUPS.md
 * "Joining before the first fork"). Kept apart from the managers so init-session loads nothing else.
 */
import type { CgroupRecord } from './types.js';

/**
 * The v2 dir of a unified layout; undefined otherwise. A hybrid record has a v2 dir too, but the
 * v1 hierarchies still need the init's CGROUP_JOIN writes, so clone3 would save nothing there.
 */
export function cloneIntoDir(rec: Pick<CgroupRecord, 'layout' | 'paths'> | undefined): string | undefined {
  if (rec?.layout !== 'unified') return undefined;
  const dir = rec.paths[''];
  return dir && dir.startsWith('/') ? dir : undefined;
}
