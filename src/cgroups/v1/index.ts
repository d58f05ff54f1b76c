/**
 * cgroup v1 (legacy and hybrid layouts): linux.resources → the ordered list of writes, one
 * planner per controller, in runc's subsystem order. Pure: reads only through the context.
 */
import { CgroupError } from '../errors.js';
import { parseResources } from '../resources.js';
import type { CgroupWrite, PlanContext } from '../types.js';
import { planBlkioV1 } from './blkio.js';
import { planCpuV1 } from './cpu.js';
import { planCpusetV1 } from './cpuset.js';
import { planDevicesV1 } from './devices.js';
import { planHugetlbV1 } from './hugetlb.js';
import { planMemoryV1 } from './memory.js';
import { planNetClsV1 } from './net_cls.js';
import { planNetPrioV1 } from './net_prio.js';
import { planPidsV1 } from './pids.js';
import { planRdmaV1 } from './rdma.js';

const PLANNERS = [
  planCpusetV1, planDevicesV1, planMemoryV1, planCpuV1, planPidsV1, planBlkioV1, planHugetlbV1,
  planNetClsV1, planNetPrioV1, planRdmaV1,
];

export function planV1(resources: unknown, ctx: PlanContext): CgroupWrite[] {
  const r = parseResources(resources);
  if (r.unified && Object.keys(r.unified).length) {
    throw new CgroupError('invalid configuration: linux.resources.unified: needs cgroup v2; this host uses cgroup v1 controllers');
  }
  const out = PLANNERS.flatMap((p) => p(r, ctx));
  for (const w of out) {
    if (!ctx.controllers.has(w.controller)) {
      throw new CgroupError(`${w.field}: the ${w.controller} cgroup controller is not mounted on this host`);
    }
  }
  return out;
}
