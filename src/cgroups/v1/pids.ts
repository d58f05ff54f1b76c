/** v1 pids controller: limit → pids.max (units.ts pidsLimit: negative → "max", 0 → 1). */
import { big } from '../resources.js';
import { write } from '../plan.js';
import { pidsLimit } from '../units.js';
import type { CgroupWrite, LinuxResources, PlanContext } from '../types.js';

export function pidsMaxValue(limit: bigint): string {
  return pidsLimit(limit).toString();
}

export function planPidsV1(r: LinuxResources, _ctx: PlanContext): CgroupWrite[] {
  const limit = big(r.pids?.limit);
  if (limit === undefined) return [];
  return [write('pids', 'pids.max', pidsMaxValue(limit), 'linux.resources.pids.limit')];
}
