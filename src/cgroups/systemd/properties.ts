/**
 * linux.resources → systemd unit properties (StartTransientUnit at create, SetUnitProperties at
 * update), so that systemd's own view of the scope matches the files berth writes: systemd
 * rewrites a unit's cgroup attributes from its properties (on `daemon-reload`, `set-property`,
 * ...), and a limit it does not know about would be reset. Pure; the mapping is runc's
 * (libcontainer/cgroups/systemd v1.go/v2.go), gated on the systemd version like runc's:
 *
 * | spec                         | cgroup v1 (hybrid, legacy)   | cgroup v2                       |
 * |------------------------------|------------------------------|---------------------------------|
 * | memory.limit                 | MemoryLimit                  | MemoryMax                       |
 * | memory.reservation           | -                            | MemoryLow                       |
 * | memory.swap                  | -                            | MemorySwapMax (swap - limit)    |
 * | cpu.shares                   | CPUShares                    | CPUWeight (converted)           |
 * | cpu.quota / cpu.period       | CPUQuotaPerSecUSec (+ CPUQuotaPeriodUSec, systemd >= 242)     ||
 * | cpu.cpus / cpu.mems          | -                            | AllowedCPUs / AllowedMemoryNodes (>= 244) |
 * | blockIO.weight               | BlockIOWeight                | IOWeight (converted)            |
 * | pids.limit                   | TasksMax                     | TasksMax                        |
 * | devices                      | DevicePolicy + DeviceAllow (devices.ts) | - (berth's eBPF program) |
 *
 * -1 (unlimited) is systemd's "infinity" (2^64-1); 0 or absent leaves a property out, except
 * pids.limit, where 0 is a limit (TasksMax 1, units.ts pidsLimit). Every other
 * field stays a cgroupfs file only (the scope is delegated: systemd leaves those alone).
 */
import type { DbusValue } from './dbus/wire.js';
import { variant } from './dbus/wire.js';
import { big } from '../resources.js';
import { devicePolicyProperties } from './devices.js';
import type { CgroupLayout, LinuxResources } from '../types.js';
import { blkioWeightToIoWeight, memorySwapToV2, pidsLimit, sharesToWeight } from '../units.js';

export const INFINITY = 2n ** 64n - 1n;
const DEFAULT_PERIOD = 100_000n;

export interface SystemdHost {
  layout: CgroupLayout;
  /** systemd's major version (Manager.Version), 0 when unknown. */
  version: number;
  /** /proc/devices, for device groups (v1 DeviceAllow "char-NAME"). */
  procDevices: string;
}

/** A limit: > 0 as is, < 0 infinity, 0/absent undefined (left out). */
function limit(v: bigint | undefined): bigint | undefined {
  if (v === undefined || v === 0n) return undefined;
  return v < 0n ? INFINITY : v;
}

/** runc's CPUQuotaPerSecUSec: quota per second of the period, rounded up to whole 10 ms (systemd
 * keeps it as a percentage). quota <= 0 (with a period given) is infinity. */
export function cpuQuotaPerSecUSec(quota: bigint | undefined, period: bigint | undefined): bigint | undefined {
  const q = quota ?? 0n;
  const p = period ?? 0n;
  if (q === 0n && p === 0n) return undefined;
  if (q <= 0n) return INFINITY;
  const per = p > 0n ? p : DEFAULT_PERIOD;
  const usec = (q * 1_000_000n) / per;
  return ((usec + 9_999n) / 10_000n) * 10_000n;
}

/** "0-3,6" → systemd's CPU set bytes (bit n of byte n/8 is CPU n), as AllowedCPUs takes them. */
export function cpuSetBytes(list: string): number[] {
  const bytes: number[] = [];
  for (const part of list.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new Error(`invalid cpu list ${JSON.stringify(list)}`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from || to > 8191) throw new Error(`invalid cpu list ${JSON.stringify(list)}`);
    for (let n = from; n <= to; n++) {
      while (bytes.length <= n >> 3) bytes.push(0);
      bytes[n >> 3]! |= 1 << (n & 7);
    }
  }
  return bytes;
}

/** The unit properties for r on this host (resources not given: none; at create, the device
 * policy always, as the cgroupfs plan always writes the device rules). */
export function resourceProperties(r: LinuxResources, host: SystemdHost, update: boolean): DbusValue[] {
  const v2 = host.layout === 'unified';
  const props: DbusValue[] = [];
  const add = (name: string, sig: string, value: DbusValue | undefined) => {
    if (value !== undefined) props.push([name, variant(sig, value)]);
  };
  const mem = big(r.memory?.limit);
  add(v2 ? 'MemoryMax' : 'MemoryLimit', 't', limit(mem));
  if (v2) {
    add('MemoryLow', 't', limit(big(r.memory?.reservation)));
    const swap = big(r.memory?.swap);
    if (swap !== undefined) {
      let s: bigint | undefined;
      try {
        s = memorySwapToV2(swap, mem ?? 0n);
      } catch {
        s = undefined; // the cgroupfs plan reports the contradiction with its field
      }
      add('MemorySwapMax', 't', limit(s));
    }
  }
  const shares = big(r.cpu?.shares);
  if (shares !== undefined && shares > 0n) add(v2 ? 'CPUWeight' : 'CPUShares', 't', v2 ? sharesToWeight(shares) : shares);
  const quota = big(r.cpu?.quota);
  const period = big(r.cpu?.period);
  add('CPUQuotaPerSecUSec', 't', cpuQuotaPerSecUSec(quota, period));
  if (period !== undefined && period > 0n && host.version >= 242) add('CPUQuotaPeriodUSec', 't', period);
  if (v2 && host.version >= 244) {
    for (const [name, list] of [['AllowedCPUs', r.cpu?.cpus], ['AllowedMemoryNodes', r.cpu?.mems]] as const) {
      if (!list) continue;
      try {
        add(name, 'ay', cpuSetBytes(list));
      } catch {
        // a malformed list: the cpuset file write reports it with its field
      }
    }
  }
  const weight = big(r.blockIO?.weight);
  if (weight !== undefined && weight > 0n) add(v2 ? 'IOWeight' : 'BlockIOWeight', 't', v2 ? blkioWeightToIoWeight(weight) : weight);
  const pids = big(r.pids?.limit);
  if (pids !== undefined) {
    const tasks = pidsLimit(pids);
    add('TasksMax', 't', tasks === 'max' ? INFINITY : tasks);
  }
  if (!v2 && (r.devices !== undefined || !update)) props.push(...devicePolicyProperties(r.devices, host.procDevices));
  return props;
}
