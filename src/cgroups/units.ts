/**
 * Pure unit conversions between the OCI spec (cgroup v1 units) and cgroup v2, done the way runc
 * does them (libcontainer/cgroups/utils.go), with integer (truncating) division as in Go.
 */

/**
 * cpu.shares (v1, 2..262144, default 1024) → cpu.weight (v2, 1..10000, default 100):
 * 1 + ((shares - 2) * 9999) / 262142. 0 means "unset" and stays 0; out-of-range shares are
 * clamped to the v1 range first (runc would wrap around below 2).
 */
export function sharesToWeight(shares: bigint): bigint {
  if (shares === 0n) return 0n;
  const s = shares < 2n ? 2n : shares > 262144n ? 262144n : shares;
  return 1n + ((s - 2n) * 9999n) / 262142n;
}

/**
 * blkio.weight (v1, 10..1000) → io.weight (v2, 1..10000): 1 + ((weight - 10) * 9999) / 990.
 * 0 means "unset" and stays 0; out-of-range weights are clamped to 10..1000.
 */
export function blkioWeightToIoWeight(weight: bigint): bigint {
  if (weight === 0n) return 0n;
  const w = weight < 10n ? 10n : weight > 1000n ? 1000n : weight;
  return 1n + ((w - 10n) * 9999n) / 990n;
}

/**
 * The spec's memory.swap is memory+swap (v1 memsw); v2's memory.swap.max is swap alone:
 * swap.max = swap - limit. Returns -1 for "max" and 0 for "leave unset" (runc's
 * ConvertMemorySwapToCgroupV2Value); throws a message (no field) on a contradiction.
 */
export function memorySwapToV2(swap: bigint, limit: bigint): bigint {
  // memory unlimited and swap not given: both unlimited, as on v1.
  if (limit === -1n && swap === 0n) return -1n;
  if (swap === -1n || swap === 0n) return swap;
  if (limit === 0n || limit === -1n) throw new Error('unable to set swap limit without memory limit');
  if (limit < 0n) throw new Error(`invalid memory value: ${limit}`);
  if (swap < limit) throw new Error('memory+swap limit should be >= memory limit');
  return swap - limit;
}

/** v2 number files: 0 → undefined (do not write), -1 (any negative) → "max", else decimal. */
export function v2Value(n: bigint | undefined): string | undefined {
  if (n === undefined || n === 0n) return undefined;
  if (n < 0n) return 'max';
  return n.toString();
}

/** cpu.max content from quota/period (µs): quota <= 0 → "max"; period appended when set. */
export function cpuMax(quota: bigint | undefined, period: bigint | undefined): string | undefined {
  if ((quota === undefined || quota === 0n) && (period === undefined || period === 0n)) return undefined;
  let s = quota !== undefined && quota > 0n ? quota.toString() : 'max';
  if (period !== undefined && period !== 0n) s += ` ${period}`;
  return s;
}

const SIZE_UNITS = ['KB', 'MB', 'GB', 'TB', 'PB'];

/** "2MB" → 2097152n. Units are binary (K = 1024), as the hugetlb controller names them. */
export function pageSizeBytes(size: string): bigint {
  const m = /^(\d+)([KMGTP])B$/.exec(size);
  if (!m) throw new Error(`invalid page size ${JSON.stringify(size)}`);
  const exp = 'KMGTP'.indexOf(m[2]!) + 1;
  return BigInt(m[1]!) * 1024n ** BigInt(exp);
}

/** "hugepages-2048kB" (a /sys/kernel/mm/hugepages entry) → "2MB", as runc names them. */
export function hugepageDirToSize(dir: string): string | undefined {
  const m = /^hugepages-(\d+)kB$/.exec(dir);
  if (!m) return undefined;
  let n = BigInt(m[1]!);
  let u = 0;
  while (n >= 1024n && n % 1024n === 0n && u < SIZE_UNITS.length - 1) {
    n /= 1024n;
    u++;
  }
  return `${n}${SIZE_UNITS[u]}`;
}

/** "0-3,7" → [0,1,2,3,7]. Empty → []. Throws on garbage (the kernel list format: src/id-list.ts). */
export { parseIdList as parseCpuList } from '../id-list.js';

/** USER_HZ ticks (cpuacct.stat) → nanoseconds. USER_HZ is 100 on every Linux ABI. */
export function ticksToNs(ticks: bigint): bigint {
  return (ticks * 1_000_000_000n) / 100n;
}

/** A device rule's major/minor as cgroup v1 writes it: null/undefined/-1 → "*". */
export function devNum(n: bigint | undefined): string {
  return n === undefined || n < 0n ? '*' : n.toString();
}

/**
 * pids.limit → the pids controller's limit (runtime-spec 1.3: 0 is a limit, a negative value is
 * none). A negative value is "max" (systemd's TasksMax infinity); 0 becomes 1, on the cgroupfs
 * drivers and systemd's alike: systemd takes no TasksMax of 0, runc 1.5 writes 1 for 0 on every
 * driver for that reason, and one value whichever driver keeps `update` and `events --stats`
 * the same. Either stops every fork of a container whose init is its only task.
 */
export function pidsLimit(limit: bigint): bigint | 'max' {
  if (limit < 0n) return 'max';
  return limit === 0n ? 1n : limit;
}
