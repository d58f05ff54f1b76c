/** v1 net_cls controller: network.classID → net_cls.classid. */
import { big } from '../resources.js';
import { write } from '../plan.js';
import type { CgroupWrite, LinuxResources, PlanContext } from '../types.js';

export function planNetClsV1(r: LinuxResources, _ctx: PlanContext): CgroupWrite[] {
  const id = big(r.network?.classID);
  if (id === undefined) return [];
  return [write('net_cls', 'net_cls.classid', id, 'linux.resources.network.classID')];
}
