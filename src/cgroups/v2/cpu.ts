/**
 * v2 cpu controller (runc fs2/cpu.go): idle → cpu.idle; shares → cpu.weight with
 * 1 + ((shares - 2) * 9999) / 262142; burst → cpu.max.burst; quota/period → cpu.max
 * "QUOTA PERIOD" (quota <= 0 → "max"; period left out when unset). realtimeRuntime and
 * realtimePeriod have no v2 equivalent: an error when non-zero.
 */
import { big } from '../resources.js';
import { planError, write } from '../plan.js';
import { cpuMax, sharesToWeight } from '../units.js';
import type { CgroupWrite, LinuxResources, PlanContext } from '../types.js';

const F = 'linux.resources.cpu';

export function planCpuV2(r: LinuxResources, _ctx: PlanContext): CgroupWrite[] {
  const c = r.cpu;
  if (!c) return [];
  const out: CgroupWrite[] = [];
  if ((big(c.realtimeRuntime) ?? 0n) !== 0n) throw planError(`${F}.realtimeRuntime`, 'not supported on cgroup v2');
  if ((big(c.realtimePeriod) ?? 0n) !== 0n) throw planError(`${F}.realtimePeriod`, 'not supported on cgroup v2');
  const idle = big(c.idle);
  if (idle !== undefined) out.push(write('', 'cpu.idle', idle, `${F}.idle`));
  const weight = sharesToWeight(big(c.shares) ?? 0n);
  if (weight !== 0n) out.push(write('', 'cpu.weight', weight, `${F}.shares`));
  const burst = big(c.burst);
  if (burst !== undefined) out.push(write('', 'cpu.max.burst', burst, `${F}.burst`, { deferOnEinval: true }));
  const max = cpuMax(big(c.quota), big(c.period));
  if (max !== undefined) out.push(write('', 'cpu.max', max, big(c.quota) ? `${F}.quota` : `${F}.period`));
  return out;
}
