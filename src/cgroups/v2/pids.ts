/** v2 pids controller: limit → pids.max (as v1: negative → "max", 0 → 1). */
import { big } from '../resources.js';
import { write } from '../plan.js';
import { pidsMaxValue } from '../v1/pids.js';
import type { CgroupWrite, LinuxResources, PlanContext } from '../types.js';

export function planPidsV2(r: LinuxResources, _ctx: PlanContext): CgroupWrite[] {
  const limit = big(r.pids?.limit);
  if (limit === undefined) return [];
  return [write('', 'pids.max', pidsMaxValue(limit), 'linux.resources.pids.limit')];
}
