/** v1 net_prio controller: network.priorities[] → net_prio.ifpriomap "IFNAME PRIO", one write each. */
import { write } from '../plan.js';
import type { CgroupWrite, LinuxResources, PlanContext } from '../types.js';

export function planNetPrioV1(r: LinuxResources, _ctx: PlanContext): CgroupWrite[] {
  return (r.network?.priorities ?? []).map((p, i) =>
    write('net_prio', 'net_prio.ifpriomap', `${p.name} ${p.priority}`, `linux.resources.network.priorities[${i}]`),
  );
}
