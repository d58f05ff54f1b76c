/**
 * v2 memory controller (runc fs2/memory.go):
 *   swap → memory.swap.max = swap - limit (runc's ConvertMemorySwapToCgroupV2Value; -1 → "max",
 *   swap == limit → "0"), written before memory.max; a missing memory.swap.max (no swap
 *   accounting) is ignored for "max" and "0" only. limit → memory.max (-1 → "max"),
 *   reservation → memory.low. checkBeforeUpdate: on update, refuse a limit below memory.current.
 *   Ignored as runc ignores them: kernel, kernelTCP, swappiness, disableOOMKiller, useHierarchy
 *   (v2 has no such files; it is always hierarchical).
 */
import { big } from '../resources.js';
import { planError, readBig, write } from '../plan.js';
import { memorySwapToV2, v2Value } from '../units.js';
import type { CgroupWrite, LinuxResources, PlanContext } from '../types.js';

const F = 'linux.resources.memory';

export function planMemoryV2(r: LinuxResources, ctx: PlanContext): CgroupWrite[] {
  const m = r.memory;
  if (!m) return [];
  const out: CgroupWrite[] = [];
  const limit = big(m.limit) ?? 0n;
  const swapSpec = big(m.swap) ?? 0n;
  let swap: bigint;
  try {
    swap = memorySwapToV2(swapSpec, limit);
  } catch (e) {
    throw planError(`${F}.swap`, (e as Error).message);
  }
  let swapStr = v2Value(swap);
  if (swapStr === undefined && swap === 0n && swapSpec > 0n) swapStr = '0'; // swap == limit: no swap
  if (swapStr !== undefined) {
    out.push(write('', 'memory.swap.max', swapStr, `${F}.swap`, { ignoreMissing: swapStr === 'max' || swapStr === '0' }));
  }
  const limitStr = v2Value(limit);
  if (limitStr !== undefined) {
    if (ctx.update && m.checkBeforeUpdate && limit > 0n) {
      const cur = readBig(ctx.read('', 'memory.current'));
      if (cur !== undefined && cur > limit) {
        throw planError(`${F}.limit`, `rejecting memory limit ${limit}: less than the current usage ${cur}`);
      }
    }
    out.push(write('', 'memory.max', limitStr, `${F}.limit`));
  }
  const low = v2Value(big(m.reservation));
  if (low !== undefined) out.push(write('', 'memory.low', low, `${F}.reservation`));
  return out;
}
