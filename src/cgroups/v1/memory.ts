/**
 * v1 memory controller (runc fs/memory.go):
 *   limit → memory.limit_in_bytes, swap (memory+swap) → memory.memsw.limit_in_bytes, written in
 *   the order the kernel accepts (memsw >= limit at every step), reservation →
 *   memory.soft_limit_in_bytes, disableOOMKiller → memory.oom_control "1", swappiness →
 *   memory.swappiness (0..100; -1 or absent: untouched), useHierarchy → memory.use_hierarchy.
 *   kernel and kernelTCP are ignored, as runc ignores them (deprecated, gone from cgroup v2).
 */
import { big } from '../resources.js';
import { planError, readBig, write } from '../plan.js';
import type { CgroupWrite, LinuxResources, PlanContext } from '../types.js';

const F = 'linux.resources.memory';
const C = 'memory';

export function planMemoryV1(r: LinuxResources, ctx: PlanContext): CgroupWrite[] {
  const m = r.memory;
  if (!m) return [];
  const out: CgroupWrite[] = [];
  const limit = big(m.limit) ?? 0n;
  let swap = big(m.swap) ?? 0n;
  // Unlimited memory without a swap value: memory+swap unlimited too (if swap accounting exists).
  if (limit === -1n && swap === 0n && ctx.exists(C, 'memory.memsw.limit_in_bytes')) swap = -1n;

  const memW = limit !== 0n ? write(C, 'memory.limit_in_bytes', limit, `${F}.limit`) : undefined;
  const swapW = swap !== 0n ? write(C, 'memory.memsw.limit_in_bytes', swap, `${F}.swap`) : undefined;
  if (memW && swapW) {
    // memsw must stay >= limit after each write: raise memsw first when growing.
    const cur = readBig(ctx.read(C, 'memory.limit_in_bytes')) ?? 0n;
    if (swap === -1n || cur < swap) out.push(swapW, memW);
    else out.push(memW, swapW);
  } else {
    if (memW) out.push(memW);
    if (swapW) out.push(swapW);
  }

  const reservation = big(m.reservation) ?? 0n;
  if (reservation !== 0n) out.push(write(C, 'memory.soft_limit_in_bytes', reservation, `${F}.reservation`));
  if (m.disableOOMKiller) out.push(write(C, 'memory.oom_control', '1', `${F}.disableOOMKiller`));

  const swappiness = big(m.swappiness);
  if (swappiness !== undefined && swappiness !== -1n) {
    if (swappiness < 0n || swappiness > 100n) {
      throw planError(`${F}.swappiness`, `invalid memory swappiness value: ${swappiness} (valid range is 0-100)`);
    }
    out.push(write(C, 'memory.swappiness', swappiness, `${F}.swappiness`));
  }

  if (m.useHierarchy !== undefined) {
    const want = m.useHierarchy ? '1' : '0';
    // Recent kernels fix it to 1 and refuse a write of 0; only write a change.
    if (ctx.read(C, 'memory.use_hierarchy') !== want) {
      out.push(write(C, 'memory.use_hierarchy', want, `${F}.useHierarchy`));
    }
  }
  return out;
}
