/** v2 hugetlb controller: hugepageLimits[] → hugetlb.<size>.max (and .rsvd.max where present). */
import { write } from '../plan.js';
import type { CgroupWrite, LinuxResources, PlanContext } from '../types.js';

export function planHugetlbV2(r: LinuxResources, ctx: PlanContext): CgroupWrite[] {
  const out: CgroupWrite[] = [];
  (r.hugepageLimits ?? []).forEach((h, i) => {
    const field = `linux.resources.hugepageLimits[${i}]`;
    out.push(write('', `hugetlb.${h.pageSize}.max`, BigInt(h.limit), field));
    const rsvd = `hugetlb.${h.pageSize}.rsvd.max`;
    if (ctx.exists('', rsvd)) out.push(write('', rsvd, BigInt(h.limit), field));
  });
  return out;
}
