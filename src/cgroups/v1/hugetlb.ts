/**
 * v1 hugetlb controller: hugepageLimits[] → hugetlb.<size>.limit_in_bytes, and
 * hugetlb.<size>.rsvd.limit_in_bytes too where the kernel has reservation accounting (as runc).
 */
import { write } from '../plan.js';
import type { CgroupWrite, LinuxResources, PlanContext } from '../types.js';

export function planHugetlbV1(r: LinuxResources, ctx: PlanContext): CgroupWrite[] {
  const out: CgroupWrite[] = [];
  (r.hugepageLimits ?? []).forEach((h, i) => {
    const field = `linux.resources.hugepageLimits[${i}]`;
    out.push(write('hugetlb', `hugetlb.${h.pageSize}.limit_in_bytes`, BigInt(h.limit), field));
    const rsvd = `hugetlb.${h.pageSize}.rsvd.limit_in_bytes`;
    if (ctx.exists('hugetlb', rsvd)) out.push(write('hugetlb', rsvd, BigInt(h.limit), field));
  });
  return out;
}
