/**
 * v1 blkio controller (runc fs/blkio.go): weight → blkio.weight (or blkio.bfq.weight where CFQ
 * is gone and BFQ provides it), leafWeight → blkio.leaf_weight, weightDevice[] →
 * blkio.weight_device / blkio.bfq.weight_device "MAJ:MIN WEIGHT" and blkio.leaf_weight_device,
 * throttle*Device[] → blkio.throttle.{read,write}_{bps,iops}_device "MAJ:MIN RATE", one write each.
 */
import { big } from '../resources.js';
import { write } from '../plan.js';
import type { CgroupWrite, LinuxResources, PlanContext } from '../types.js';

const F = 'linux.resources.blockIO';
const C = 'blkio';

export const THROTTLE_FILES = {
  throttleReadBpsDevice: 'blkio.throttle.read_bps_device',
  throttleWriteBpsDevice: 'blkio.throttle.write_bps_device',
  throttleReadIOPSDevice: 'blkio.throttle.read_iops_device',
  throttleWriteIOPSDevice: 'blkio.throttle.write_iops_device',
} as const;

export function planBlkioV1(r: LinuxResources, ctx: PlanContext): CgroupWrite[] {
  const b = r.blockIO;
  if (!b) return [];
  const out: CgroupWrite[] = [];
  const bfq = !ctx.exists(C, 'blkio.weight') && ctx.exists(C, 'blkio.bfq.weight');
  const weightFile = bfq ? 'blkio.bfq.weight' : 'blkio.weight';
  const weightDeviceFile = bfq ? 'blkio.bfq.weight_device' : 'blkio.weight_device';

  const weight = big(b.weight) ?? 0n;
  if (weight !== 0n) out.push(write(C, weightFile, weight, `${F}.weight`));
  const leaf = big(b.leafWeight) ?? 0n;
  if (leaf !== 0n) out.push(write(C, 'blkio.leaf_weight', leaf, `${F}.leafWeight`));
  (b.weightDevice ?? []).forEach((d, i) => {
    const w = big(d.weight) ?? 0n;
    if (w !== 0n) out.push(write(C, weightDeviceFile, `${d.major}:${d.minor} ${w}`, `${F}.weightDevice[${i}].weight`));
    const lw = big(d.leafWeight) ?? 0n;
    if (lw !== 0n) {
      out.push(write(C, 'blkio.leaf_weight_device', `${d.major}:${d.minor} ${lw}`, `${F}.weightDevice[${i}].leafWeight`));
    }
  });
  for (const [key, file] of Object.entries(THROTTLE_FILES) as [keyof typeof THROTTLE_FILES, string][]) {
    (b[key] ?? []).forEach((d, i) => {
      out.push(write(C, file, `${d.major}:${d.minor} ${d.rate}`, `${F}.${key}[${i}]`));
    });
  }
  return out;
}
