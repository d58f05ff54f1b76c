/**
 * v2 io controller (runc fs2/io.go): weight → io.bfq.weight as is (10..1000) where BFQ provides
 * it, else io.weight = 1 + ((weight - 10) * 9999) / 990; weightDevice[].weight →
 * io.bfq.weight "MAJ:MIN W" (BFQ only; else io.weight "MAJ:MIN W'" converted); throttle lists →
 * io.max "MAJ:MIN rbps=N" / wbps / riops / wiops, one write each. leafWeight has no v2
 * equivalent and is ignored (as runc).
 */
import { big } from '../resources.js';
import { write } from '../plan.js';
import { blkioWeightToIoWeight } from '../units.js';
import type { CgroupWrite, LinuxResources, PlanContext } from '../types.js';

const F = 'linux.resources.blockIO';

const IO_MAX_KEYS = {
  throttleReadBpsDevice: 'rbps',
  throttleWriteBpsDevice: 'wbps',
  throttleReadIOPSDevice: 'riops',
  throttleWriteIOPSDevice: 'wiops',
} as const;

export function planIoV2(r: LinuxResources, ctx: PlanContext): CgroupWrite[] {
  const b = r.blockIO;
  if (!b) return [];
  const out: CgroupWrite[] = [];
  const bfq = ctx.exists('', 'io.bfq.weight');
  const weight = big(b.weight) ?? 0n;
  if (weight !== 0n) {
    if (bfq) out.push(write('', 'io.bfq.weight', weight, `${F}.weight`));
    else out.push(write('', 'io.weight', blkioWeightToIoWeight(weight), `${F}.weight`));
  }
  (b.weightDevice ?? []).forEach((d, i) => {
    const w = big(d.weight) ?? 0n;
    if (w === 0n) return;
    const field = `${F}.weightDevice[${i}].weight`;
    if (bfq) out.push(write('', 'io.bfq.weight', `${d.major}:${d.minor} ${w}`, field));
    else out.push(write('', 'io.weight', `${d.major}:${d.minor} ${blkioWeightToIoWeight(w)}`, field));
  });
  for (const [key, k] of Object.entries(IO_MAX_KEYS) as [keyof typeof IO_MAX_KEYS, string][]) {
    (b[key] ?? []).forEach((d, i) => {
      out.push(write('', 'io.max', `${d.major}:${d.minor} ${k}=${d.rate}`, `${F}.${key}[${i}]`));
    });
  }
  return out;
}
