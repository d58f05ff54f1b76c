/** v2 cpuset controller: cpus → cpuset.cpus, mems → cpuset.mems (empty in v2 means "inherit"). */
import { write } from '../plan.js';
import type { CgroupWrite, LinuxResources, PlanContext } from '../types.js';

export function planCpusetV2(r: LinuxResources, _ctx: PlanContext): CgroupWrite[] {
  const out: CgroupWrite[] = [];
  if (r.cpu?.cpus) out.push(write('', 'cpuset.cpus', r.cpu.cpus, 'linux.resources.cpu.cpus'));
  if (r.cpu?.mems) out.push(write('', 'cpuset.mems', r.cpu.mems, 'linux.resources.cpu.mems'));
  return out;
}
