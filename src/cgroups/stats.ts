/**
 * Statistics in runc's `events --stats` format (runc types/events.go `Stats`): the object that
 * goes in {"type":"stats","id":ID,"data":STATS}. Parsers are pure over a reader so they can be
 * tested on fixed text. Numbers are JS numbers: exact up to 2^53, the last digits of values near
 * 2^63 ("no limit") are rounded.
 */
import { readdirSync } from 'node:fs';
import { parseCpuList, hugepageDirToSize } from './units.js';

export type Reader = (controller: string, file: string) => string | undefined;

export interface MemoryEntry { limit: number; usage?: number; max?: number; failcnt: number }
/** Pressure stall information of one resource (cgroup v2 cpu/memory/io.pressure), runc's PSIStats. */
export interface PsiData { avg10: number; avg60: number; avg300: number; total: number }
export interface PsiStats { some: PsiData; full: PsiData }
export interface BlkioEntry { major?: number; minor?: number; op?: string; value?: number }
export interface Stats {
  cpu: {
    usage: { total?: number; percpu?: number[]; percpu_kernel?: number[]; percpu_user?: number[]; kernel: number; user: number };
    throttling: { periods?: number; throttledPeriods?: number; throttledTime?: number };
    psi?: PsiStats;
  };
  cpuset: Record<string, unknown>;
  memory: { cache?: number; usage: MemoryEntry; swap: MemoryEntry; kernel: MemoryEntry; kernelTCP: MemoryEntry; raw?: Record<string, number>; psi?: PsiStats };
  pids: { current?: number; limit?: number };
  /** runc's blkio lists by name, and psi (v2). */
  blkio: Record<string, BlkioEntry[] | PsiStats>;
  hugetlb: Record<string, { usage?: number; max?: number; failcnt: number }>;
  intel_rdt: Record<string, never>;
  network_interfaces: null;
}

const U64_MAX = 18446744073709551615;

function num(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const t = s.trim();
  if (t === 'max') return U64_MAX;
  return /^-?\d+$/.test(t) ? Number(t) : undefined;
}

function nums(s: string | undefined): number[] | undefined {
  if (s === undefined || s.trim() === '') return undefined;
  return s.trim().split(/\s+/).map(Number);
}

/** "key value" lines (memory.stat, cpu.stat, cpuacct.stat, memory.events) → map. */
export function parseKeyValues(text: string | undefined): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of (text ?? '').split('\n')) {
    const [k, v] = line.trim().split(/\s+/);
    if (k && v !== undefined && /^\d+$/.test(v)) out[k] = Number(v);
  }
  return out;
}

/** blkio "8:0 Read 123" lines → entries ("Total N" lines skipped). */
export function parseBlkioEntries(text: string | undefined): BlkioEntry[] {
  const out: BlkioEntry[] = [];
  for (const line of (text ?? '').split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 2) continue;
    const m = /^(\d+):(\d+)$/.exec(f[0]!);
    if (!m) continue;
    if (f.length === 3) out.push({ major: Number(m[1]), minor: Number(m[2]), op: f[1]!, value: Number(f[2]) });
    else out.push({ major: Number(m[1]), minor: Number(m[2]), op: '', value: Number(f[1]) });
  }
  return out;
}

/** v2 io.stat "8:0 rbytes=1 wbytes=2 rios=3 wios=4 ..." → runc's two blkio lists. */
export function parseIoStat(text: string | undefined): { bytes: BlkioEntry[]; ios: BlkioEntry[] } {
  const bytes: BlkioEntry[] = [];
  const ios: BlkioEntry[] = [];
  for (const line of (text ?? '').split('\n')) {
    const f = line.trim().split(/\s+/);
    const m = /^(\d+):(\d+)$/.exec(f[0] ?? '');
    if (!m) continue;
    const major = Number(m[1]);
    const minor = Number(m[2]);
    for (const kv of f.slice(1)) {
      const [k, v] = kv.split('=');
      const value = Number(v);
      if (k === 'rbytes') bytes.push({ major, minor, op: 'Read', value });
      else if (k === 'wbytes') bytes.push({ major, minor, op: 'Write', value });
      else if (k === 'rios') ios.push({ major, minor, op: 'Read', value });
      else if (k === 'wios') ios.push({ major, minor, op: 'Write', value });
    }
  }
  return { bytes, ios };
}

/**
 * A cgroup v2 *.pressure file ("some avg10=0.12 avg60=0.00 avg300=0.00 total=1234", then "full
 * ..."): both lines as runc reports them, a missing line all zeros. undefined for a file that
 * is not there (a kernel without PSI, or `cgroup.pressure` 0) or does not parse.
 */
export function parsePsi(text: string | undefined): PsiStats | undefined {
  if (text === undefined) return undefined;
  const zero = (): PsiData => ({ avg10: 0, avg60: 0, avg300: 0, total: 0 });
  const out: PsiStats = { some: zero(), full: zero() };
  for (const line of text.split('\n')) {
    const [kind, ...fields] = line.trim().split(/\s+/);
    if (kind !== 'some' && kind !== 'full') continue;
    const d = out[kind];
    for (const f of fields) {
      const m = /^(avg10|avg60|avg300|total)=(.*)$/.exec(f);
      if (!m) return undefined;
      const v = m[1] === 'total' ? (/^\d+$/.test(m[2]!) ? Number(m[2]) : NaN) : Number(m[2]);
      if (!Number.isFinite(v)) return undefined;
      d[m[1] as keyof PsiData] = v;
    }
  }
  return out;
}

export function hugePageSizes(dir = '/sys/kernel/mm/hugepages'): string[] {
  try {
    return readdirSync(dir).map(hugepageDirToSize).filter((s): s is string => !!s);
  } catch {
    return [];
  }
}

function emptyStats(): Stats {
  const e = (): MemoryEntry => ({ limit: 0, failcnt: 0 });
  return {
    cpu: { usage: { kernel: 0, user: 0 }, throttling: {} },
    cpuset: {},
    memory: { usage: e(), swap: e(), kernel: e(), kernelTCP: e() },
    pids: {},
    blkio: {},
    hugetlb: {},
    intel_rdt: {},
    network_interfaces: null,
  };
}

function memEntryV1(read: Reader, prefix: string): MemoryEntry {
  const p = prefix ? `memory.${prefix}.` : 'memory.';
  return {
    limit: num(read('memory', `${p}limit_in_bytes`)) ?? 0,
    usage: num(read('memory', `${p}usage_in_bytes`)),
    max: num(read('memory', `${p}max_usage_in_bytes`)),
    failcnt: num(read('memory', `${p}failcnt`)) ?? 0,
  };
}

export function statsV1(read: Reader, controllers: ReadonlySet<string>, pageSizes: string[]): Stats {
  const s = emptyStats();
  if (controllers.has('cpuacct')) {
    const u = s.cpu.usage;
    u.total = num(read('cpuacct', 'cpuacct.usage'));
    u.percpu = nums(read('cpuacct', 'cpuacct.usage_percpu'));
    u.percpu_kernel = nums(read('cpuacct', 'cpuacct.usage_percpu_sys'));
    u.percpu_user = nums(read('cpuacct', 'cpuacct.usage_percpu_user'));
    const st = parseKeyValues(read('cpuacct', 'cpuacct.stat'));
    u.user = Math.round(((st.user ?? 0) * 1e9) / 100);
    u.kernel = Math.round(((st.system ?? 0) * 1e9) / 100);
  }
  if (controllers.has('cpu')) {
    const st = parseKeyValues(read('cpu', 'cpu.stat'));
    s.cpu.throttling = { periods: st.nr_periods, throttledPeriods: st.nr_throttled, throttledTime: st.throttled_time };
  }
  if (controllers.has('cpuset')) {
    const list = (f: string) => {
      try {
        return parseCpuList(read('cpuset', f) ?? '');
      } catch {
        return [];
      }
    };
    s.cpuset = {
      cpus: list('cpuset.cpus'),
      cpu_exclusive: num(read('cpuset', 'cpuset.cpu_exclusive')) ?? 0,
      mems: list('cpuset.mems'),
      mem_hardwall: num(read('cpuset', 'cpuset.mem_hardwall')) ?? 0,
      mem_exclusive: num(read('cpuset', 'cpuset.mem_exclusive')) ?? 0,
      memory_migrate: num(read('cpuset', 'cpuset.memory_migrate')) ?? 0,
      memory_spread_page: num(read('cpuset', 'cpuset.memory_spread_page')) ?? 0,
      memory_spread_slab: num(read('cpuset', 'cpuset.memory_spread_slab')) ?? 0,
      memory_pressure: num(read('cpuset', 'cpuset.memory_pressure')) ?? 0,
      sched_load_balance: num(read('cpuset', 'cpuset.sched_load_balance')) ?? 0,
      sched_relax_domain_level: num(read('cpuset', 'cpuset.sched_relax_domain_level')) ?? 0,
    };
  }
  if (controllers.has('memory')) {
    const raw = parseKeyValues(read('memory', 'memory.stat'));
    s.memory = {
      cache: raw.cache,
      usage: memEntryV1(read, ''),
      swap: memEntryV1(read, 'memsw'),
      kernel: memEntryV1(read, 'kmem'),
      kernelTCP: memEntryV1(read, 'kmem.tcp'),
      raw,
    };
  }
  if (controllers.has('pids')) {
    const limit = read('pids', 'pids.max');
    s.pids = { current: num(read('pids', 'pids.current')), limit: limit === 'max' ? 0 : num(limit) };
  }
  if (controllers.has('blkio')) {
    const pick = (...files: string[]) => {
      for (const f of files) {
        const e = parseBlkioEntries(read('blkio', f));
        if (e.length) return e;
      }
      return [];
    };
    const b: Record<string, BlkioEntry[]> = {
      ioServiceBytesRecursive: pick('blkio.io_service_bytes_recursive', 'blkio.bfq.io_service_bytes_recursive', 'blkio.throttle.io_service_bytes_recursive', 'blkio.throttle.io_service_bytes'),
      ioServicedRecursive: pick('blkio.io_serviced_recursive', 'blkio.bfq.io_serviced_recursive', 'blkio.throttle.io_serviced_recursive', 'blkio.throttle.io_serviced'),
      ioQueueRecursive: pick('blkio.io_queued_recursive'),
      ioServiceTimeRecursive: pick('blkio.io_service_time_recursive'),
      ioWaitTimeRecursive: pick('blkio.io_wait_time_recursive'),
      ioMergedRecursive: pick('blkio.io_merged_recursive'),
      ioTimeRecursive: pick('blkio.time_recursive'),
      sectorsRecursive: pick('blkio.sectors_recursive'),
    };
    for (const k of Object.keys(b)) if (!b[k]!.length) delete b[k];
    s.blkio = b;
  }
  if (controllers.has('hugetlb')) {
    for (const size of pageSizes) {
      s.hugetlb[size] = {
        usage: num(read('hugetlb', `hugetlb.${size}.usage_in_bytes`)),
        max: num(read('hugetlb', `hugetlb.${size}.max_usage_in_bytes`)),
        failcnt: num(read('hugetlb', `hugetlb.${size}.failcnt`)) ?? 0,
      };
    }
  }
  return s;
}

export function statsV2(read: Reader, controllers: ReadonlySet<string>, pageSizes: string[]): Stats {
  const s = emptyStats();
  const r = (f: string) => read('', f);
  const cpu = parseKeyValues(r('cpu.stat')); // always present
  s.cpu.usage = {
    total: cpu.usage_usec !== undefined ? cpu.usage_usec * 1000 : undefined,
    user: (cpu.user_usec ?? 0) * 1000,
    kernel: (cpu.system_usec ?? 0) * 1000,
  };
  s.cpu.throttling = {
    periods: cpu.nr_periods,
    throttledPeriods: cpu.nr_throttled,
    throttledTime: cpu.throttled_usec !== undefined ? cpu.throttled_usec * 1000 : undefined,
  };
  if (controllers.has('cpuset')) {
    const list = (f: string) => {
      try {
        return parseCpuList(r(f) ?? '');
      } catch {
        return [];
      }
    };
    s.cpuset = { cpus: list('cpuset.cpus.effective'), mems: list('cpuset.mems.effective') };
  }
  if (controllers.has('memory')) {
    const raw = parseKeyValues(r('memory.stat'));
    const events = parseKeyValues(r('memory.events'));
    const usage = num(r('memory.current')) ?? 0;
    const limit = num(r('memory.max')) ?? U64_MAX;
    const swapUsage = num(r('memory.swap.current'));
    const swapMax = num(r('memory.swap.max'));
    s.memory = {
      cache: raw.file,
      usage: { limit, usage, max: num(r('memory.peak')), failcnt: events.max ?? 0 },
      // runc reports swap as memory+swap on v2 too, to match v1's memsw.
      swap: swapUsage === undefined
        ? { limit: 0, failcnt: 0 }
        : { limit: swapMax === U64_MAX || limit === U64_MAX ? U64_MAX : (swapMax ?? 0) + limit, usage: swapUsage + usage, failcnt: 0 },
      kernel: { limit: 0, failcnt: 0 },
      kernelTCP: { limit: 0, failcnt: 0 },
      raw,
    };
  }
  if (controllers.has('pids')) {
    const limit = r('pids.max');
    s.pids = { current: num(r('pids.current')), limit: limit === 'max' ? 0 : num(limit) };
  }
  if (controllers.has('io')) {
    const { bytes, ios } = parseIoStat(r('io.stat'));
    s.blkio = {};
    if (bytes.length) s.blkio.ioServiceBytesRecursive = bytes;
    if (ios.length) s.blkio.ioServicedRecursive = ios;
  }
  // Pressure stall information (kernel 4.20+), whatever controllers are on: runc 1.2+'s "psi".
  const psi = (f: string) => parsePsi(r(f));
  const cpuPsi = psi('cpu.pressure');
  if (cpuPsi) s.cpu.psi = cpuPsi;
  const memPsi = psi('memory.pressure');
  if (memPsi) s.memory.psi = memPsi;
  const ioPsi = psi('io.pressure');
  if (ioPsi) s.blkio.psi = ioPsi;
  if (controllers.has('hugetlb')) {
    for (const size of pageSizes) {
      s.hugetlb[size] = {
        usage: num(r(`hugetlb.${size}.current`)),
        max: num(r(`hugetlb.${size}.max`)),
        failcnt: parseKeyValues(r(`hugetlb.${size}.events`)).max ?? 0,
      };
    }
  }
  return s;
}
