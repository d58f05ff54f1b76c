/**
 * cgroup v2 (unified layout): linux.resources → the ordered list of writes into the one dir.
 * Every converted write must belong to a controller enabled in the cgroup; `unified` comes last.
 */
import { parseResources } from '../resources.js';
import { planError } from '../plan.js';
import type { CgroupWrite, PlanContext } from '../types.js';
import { planCpuV2 } from './cpu.js';
import { planCpusetV2 } from './cpuset.js';
import { planDevicesV2 } from './devices.js';
import { planHugetlbV2 } from './hugetlb.js';
import { planIoV2 } from './io.js';
import { planMemoryV2 } from './memory.js';
import { planPidsV2 } from './pids.js';
import { planRdmaV2 } from './rdma.js';
import { planUnified } from './unified.js';

const PLANNERS = [planCpusetV2, planDevicesV2, planMemoryV2, planCpuV2, planPidsV2, planIoV2, planHugetlbV2, planRdmaV2];

export function planV2(resources: unknown, ctx: PlanContext): CgroupWrite[] {
  const r = parseResources(resources);
  const net = r.network;
  if (net && (net.classID !== undefined || (net.priorities ?? []).length)) {
    throw planError('linux.resources.network', 'net_cls and net_prio do not exist on cgroup v2');
  }
  const out = PLANNERS.flatMap((p) => p(r, ctx));
  for (const w of out) {
    const c = w.file.split('.')[0]!;
    if (!ctx.controllers.has(c)) {
      throw planError(w.field, `the ${c} controller is not enabled in this cgroup (enabled: ${[...ctx.controllers].join(' ') || 'none'})`);
    }
  }
  return [...out, ...planUnified(r, ctx)];
}
