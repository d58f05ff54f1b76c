/**
 * v1 cpu controller (runc fs/cpu.go): shares → cpu.shares (read back: the kernel clamps to
 * 2..262144 and runc reports the clamp as an error), period → cpu.cfs_period_us, burst →
 * cpu.cfs_burst_us, quota → cpu.cfs_quota_us (period and burst retried after quota when the kernel
 * refuses them first), idle → cpu.idle, realtimePeriod → cpu.rt_period_us, realtimeRuntime →
 * cpu.rt_runtime_us.
 */
import { big } from '../resources.js';
import { write } from '../plan.js';
import type { CgroupWrite, LinuxResources, PlanContext } from '../types.js';

const F = 'linux.resources.cpu';
const C = 'cpu';

export function planCpuV1(r: LinuxResources, _ctx: PlanContext): CgroupWrite[] {
  const c = r.cpu;
  if (!c) return [];
  const out: CgroupWrite[] = [];
  const shares = big(c.shares) ?? 0n;
  if (shares !== 0n) {
    out.push(
      write(C, 'cpu.shares', shares, `${F}.shares`, {
        check: (back) => {
          const got = BigInt(back.trim() || '0');
          if (shares > got) return `the maximum allowed cpu-shares is ${got}`;
          if (shares < got) return `the minimum allowed cpu-shares is ${got}`;
          return undefined;
        },
      }),
    );
  }
  const period = big(c.period) ?? 0n;
  if (period !== 0n) out.push(write(C, 'cpu.cfs_period_us', period, `${F}.period`, { deferOnEinval: true }));
  const burst = big(c.burst);
  if (burst !== undefined) out.push(write(C, 'cpu.cfs_burst_us', burst, `${F}.burst`, { deferOnEinval: true }));
  const quota = big(c.quota) ?? 0n;
  if (quota !== 0n) out.push(write(C, 'cpu.cfs_quota_us', quota, `${F}.quota`));
  const idle = big(c.idle);
  if (idle !== undefined) out.push(write(C, 'cpu.idle', idle, `${F}.idle`));
  const rtPeriod = big(c.realtimePeriod) ?? 0n;
  if (rtPeriod !== 0n) out.push(write(C, 'cpu.rt_period_us', rtPeriod, `${F}.realtimePeriod`));
  const rtRuntime = big(c.realtimeRuntime) ?? 0n;
  if (rtRuntime !== 0n) out.push(write(C, 'cpu.rt_runtime_us', rtRuntime, `${F}.realtimeRuntime`));
  return out;
}
