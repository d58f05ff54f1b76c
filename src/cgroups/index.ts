/** cgroup management: the public interface (docs/CGROUPS.md). */
export type { Cgroup, CgroupLayout, CgroupRecord, CgroupWrite, PlanContext, LinuxResources } from './types.js';
export { detectLayout } from './layout.js';
export { openCgroup, reopenCgroup } from './open.js';
export { CgroupError } from './errors.js';
export { resolveCgroupPaths, parseProcCgroup, cleanPath } from './path.js';
export { planV1 } from './v1/index.js';
export { planV2 } from './v2/index.js';
export type { Stats } from './stats.js';

/** runc's `events --stats` line: {"type":"stats","id":ID,"data":STATS}. */
export function statsEvent(id: string, stats: unknown): { type: 'stats'; id: string; data: unknown } {
  return { type: 'stats', id, data: stats };
}
