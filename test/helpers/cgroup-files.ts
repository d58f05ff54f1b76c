/**
 * Per-layout file names and values for the cgroup tests, so the same scenarios run on cgroup v1
 * (legacy, hybrid: this build machine) and on cgroup v2 (the VM lane, scripts/cgroup2-vm/).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CgroupRecord } from '../../src/cgroups/index.js';

/** Where a value lives: the v1 controller's dir or the v2 dir, and the file in it. */
export interface Where {
  ctrl: string;
  file: string;
}

export function isUnified(rec: CgroupRecord): boolean {
  return rec.layout === 'unified';
}

export function v1or2(rec: CgroupRecord, v1: Where, v2file: string): Where {
  return isUnified(rec) ? { ctrl: '', file: v2file } : v1;
}

export const files = {
  memoryLimit: (r: CgroupRecord) => v1or2(r, { ctrl: 'memory', file: 'memory.limit_in_bytes' }, 'memory.max'),
  memoryReservation: (r: CgroupRecord) => v1or2(r, { ctrl: 'memory', file: 'memory.soft_limit_in_bytes' }, 'memory.low'),
  cpuShares: (r: CgroupRecord) => v1or2(r, { ctrl: 'cpu', file: 'cpu.shares' }, 'cpu.weight'),
  cpusetCpus: (r: CgroupRecord) => v1or2(r, { ctrl: 'cpuset', file: 'cpuset.cpus' }, 'cpuset.cpus'),
  cpusetMems: (r: CgroupRecord) => v1or2(r, { ctrl: 'cpuset', file: 'cpuset.mems' }, 'cpuset.mems'),
  pidsMax: (r: CgroupRecord) => v1or2(r, { ctrl: 'pids', file: 'pids.max' }, 'pids.max'),
  pidsEvents: (r: CgroupRecord) => v1or2(r, { ctrl: 'pids', file: 'pids.events' }, 'pids.events'),
};

/** The value berth writes for cpu.shares: v1 as is, v2 converted to cpu.weight (runc's formula). */
export function sharesValue(rec: CgroupRecord, shares: number): string {
  return isUnified(rec) ? String(1 + Math.floor(((shares - 2) * 9999) / 262142)) : String(shares);
}

/** cpu quota/period: v1 two files, v2 one `cpu.max` "QUOTA PERIOD". */
export function readCpuMax(rec: CgroupRecord): string {
  if (isUnified(rec)) return readAt(rec, { ctrl: '', file: 'cpu.max' });
  return `${readAt(rec, { ctrl: 'cpu', file: 'cpu.cfs_quota_us' })} ${readAt(rec, { ctrl: 'cpu', file: 'cpu.cfs_period_us' })}`;
}

export function readAt(rec: CgroupRecord, w: Where): string {
  return readFileSync(join(rec.paths[w.ctrl]!, w.file), 'utf8').trim();
}

/** The dir that lists the container's processes on either layout. */
export function mainDir(rec: CgroupRecord): string {
  return isUnified(rec) ? rec.paths['']! : rec.paths.memory ?? rec.paths.pids!;
}

/** Whether the cgroup is frozen, read from the kernel's files. */
export function frozenOnDisk(rec: CgroupRecord): boolean {
  if (isUnified(rec)) return /^frozen 1$/m.test(readFileSync(join(rec.paths['']!, 'cgroup.events'), 'utf8'));
  return readAt(rec, { ctrl: 'freezer', file: 'freezer.state' }) === 'FROZEN';
}

/** The kernel's count of OOM kills in the cgroup (v1 memory.oom_control, v2 memory.events). */
export function oomKills(rec: CgroupRecord): number {
  const text = isUnified(rec)
    ? readFileSync(join(rec.paths['']!, 'memory.events'), 'utf8')
    : readFileSync(join(rec.paths.memory!, 'memory.oom_control'), 'utf8');
  return Number(/^oom_kill (\d+)$/m.exec(text)?.[1] ?? 0);
}
