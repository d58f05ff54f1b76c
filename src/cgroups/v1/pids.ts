/** v1 pids controller: limit → pids.max; a limit <= 0 (the spec's -1) is "max" (no limit). */
import { big } from '../resources.js';
import { write } from '../plan.js';
import type { CgroupWrite, LinuxResources, PlanContext } from '../types.js';

export function pidsMaxValue(limit: bigint): string {
  return limit > 0n ? limit.toString() : 'max';
}

export function planPidsV1(r: LinuxResources, _ctx: PlanContext): CgroupWrite[] {
  const limit = big(r.pids?.limit);
  if (limit === undefined) return [];
  return [write('pids', 'pids.max', pidsMaxValue(limit), 'linux.resources.pids.limit')];
}
