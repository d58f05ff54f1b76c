/** v2 rdma controller: the same rdma.max lines as v1. */
import { planRdma } from '../v1/rdma.js';
import type { CgroupWrite, LinuxResources, PlanContext } from '../types.js';

export function planRdmaV2(r: LinuxResources, ctx: PlanContext): CgroupWrite[] {
  return planRdma(r, ctx, '');
}
