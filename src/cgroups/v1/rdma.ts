/**
 * rdma controller (same file format on v1 and v2): rdma.<dev> → rdma.max
 * "DEV hca_handle=N hca_object=M" (an absent limit is left out), one write per device.
 */
import { big } from '../resources.js';
import { write } from '../plan.js';
import type { CgroupWrite, LinuxResources, PlanContext } from '../types.js';

export function rdmaLine(dev: string, l: { hcaHandles?: number | bigint; hcaObjects?: number | bigint }): string {
  let s = dev;
  const h = big(l.hcaHandles);
  const o = big(l.hcaObjects);
  if (h !== undefined) s += ` hca_handle=${h}`;
  if (o !== undefined) s += ` hca_object=${o}`;
  return s;
}

export function planRdma(r: LinuxResources, _ctx: PlanContext, controller: string): CgroupWrite[] {
  return Object.entries(r.rdma ?? {}).map(([dev, l]) =>
    write(controller, 'rdma.max', rdmaLine(dev, l), `linux.resources.rdma.${dev}`),
  );
}

export function planRdmaV1(r: LinuxResources, ctx: PlanContext): CgroupWrite[] {
  return planRdma(r, ctx, 'rdma');
}
