import { describe, expect, it } from 'vitest';
import { parseBlkioEntries, parseIoStat, parsePsi, statsV1, statsV2 } from '../../src/cgroups/stats.js';

describe('cgroup stats (runc events --stats format)', () => {
  it('v1', () => {
    const files: Record<string, string> = {
      'cpuacct/cpuacct.usage': '3000',
      'cpuacct/cpuacct.usage_percpu': '1000 2000',
      'cpuacct/cpuacct.usage_percpu_sys': '100 200',
      'cpuacct/cpuacct.usage_percpu_user': '900 1800',
      'cpuacct/cpuacct.stat': 'user 3\nsystem 1',
      'cpu/cpu.stat': 'nr_periods 10\nnr_throttled 2\nthrottled_time 500',
      'memory/memory.stat': 'cache 4096\nrss 8192\n',
      'memory/memory.usage_in_bytes': '12288',
      'memory/memory.max_usage_in_bytes': '20000',
      'memory/memory.limit_in_bytes': '67108864',
      'memory/memory.failcnt': '1',
      'pids/pids.current': '3',
      'pids/pids.max': 'max',
      'blkio/blkio.throttle.io_service_bytes_recursive': '8:0 Read 4096\n8:0 Write 0\nTotal 4096',
      'hugetlb/hugetlb.2MB.usage_in_bytes': '0',
      'hugetlb/hugetlb.2MB.failcnt': '0',
    };
    const s = statsV1((c, f) => files[`${c}/${f}`], new Set(['cpu', 'cpuacct', 'memory', 'pids', 'blkio', 'hugetlb']), ['2MB']);
    expect(s.cpu.usage).toEqual({ total: 3000, percpu: [1000, 2000], percpu_kernel: [100, 200], percpu_user: [900, 1800], user: 30_000_000, kernel: 10_000_000 });
    expect(s.cpu.throttling).toEqual({ periods: 10, throttledPeriods: 2, throttledTime: 500 });
    expect(s.memory.cache).toBe(4096);
    expect(s.memory.usage).toEqual({ limit: 67108864, usage: 12288, max: 20000, failcnt: 1 });
    expect(s.memory.raw).toEqual({ cache: 4096, rss: 8192 });
    expect(s.pids).toEqual({ current: 3, limit: 0 });
    expect(s.blkio.ioServiceBytesRecursive).toEqual([{ major: 8, minor: 0, op: 'Read', value: 4096 }, { major: 8, minor: 0, op: 'Write', value: 0 }]);
    expect(s.hugetlb['2MB']).toEqual({ usage: 0, max: undefined, failcnt: 0 });
    expect(JSON.parse(JSON.stringify(s)).network_interfaces).toBeNull();
    // No pressure figures on v1 (runc reads them on v2 only).
    expect(s.cpu.psi).toBeUndefined();
    expect(s.memory.psi).toBeUndefined();
    expect(s.blkio.psi).toBeUndefined();
  });
  it('v2', () => {
    const files: Record<string, string> = {
      'cpu.stat': 'usage_usec 5\nuser_usec 3\nsystem_usec 2\nnr_periods 1\nnr_throttled 0\nthrottled_usec 0',
      'memory.current': '100',
      'memory.max': 'max',
      'memory.stat': 'anon 50\nfile 40',
      'memory.events': 'low 0\nhigh 0\nmax 4\noom 1\noom_kill 1',
      'memory.swap.current': '10',
      'memory.swap.max': 'max',
      'pids.current': '2',
      'pids.max': '50',
      'io.stat': '8:0 rbytes=100 wbytes=200 rios=1 wios=2 dbytes=0 dios=0',
    };
    const s = statsV2((_c, f) => files[f], new Set(['memory', 'pids', 'io']), []);
    expect(s.cpu.usage).toEqual({ total: 5000, user: 3000, kernel: 2000 });
    expect(s.memory.usage.failcnt).toBe(4);
    expect(s.memory.cache).toBe(40);
    expect(s.memory.swap.usage).toBe(110);
    expect(s.pids).toEqual({ current: 2, limit: 50 });
    expect(s.blkio.ioServicedRecursive).toEqual([{ major: 8, minor: 0, op: 'Read', value: 1 }, { major: 8, minor: 0, op: 'Write', value: 2 }]);
    // Without *.pressure files (no PSI in the kernel): no psi, as runc.
    expect(JSON.stringify(s)).not.toMatch(/psi/);
  });
  it('v2 pressure stall information: runc 1.2\'s psi under cpu, memory and blkio, last in each', () => {
    const files: Record<string, string> = {
      'cpu.stat': 'usage_usec 5',
      'cpu.pressure': 'some avg10=1.50 avg60=0.25 avg300=0.00 total=123456\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=789\n',
      'memory.current': '100',
      'memory.pressure': 'some avg10=0.00 avg60=0.00 avg300=0.00 total=0\nfull avg10=0.00 avg60=0.00 avg300=0.00 total=0\n',
      'io.stat': '8:0 rbytes=100 wbytes=200 rios=1 wios=2',
      // A kernel before 5.13 has no "full" line in cpu.pressure: runc reports it as zeros.
      'io.pressure': 'some avg10=12.34 avg60=5.00 avg300=1.00 total=42\n',
    };
    const s = statsV2((_c, f) => files[f], new Set(['memory', 'io']), []);
    const zero = { avg10: 0, avg60: 0, avg300: 0, total: 0 };
    expect(s.cpu.psi).toEqual({ some: { avg10: 1.5, avg60: 0.25, avg300: 0, total: 123456 }, full: { ...zero, total: 789 } });
    expect(s.memory.psi).toEqual({ some: zero, full: zero });
    expect(s.blkio.psi).toEqual({ some: { avg10: 12.34, avg60: 5, avg300: 1, total: 42 }, full: zero });
    const json = JSON.parse(JSON.stringify(s));
    expect(Object.keys(json.cpu)).toEqual(['usage', 'throttling', 'psi']);
    expect(Object.keys(json.memory).at(-1)).toBe('psi');
    expect(Object.keys(json.blkio)).toEqual(['ioServiceBytesRecursive', 'ioServicedRecursive', 'psi']);
    expect(JSON.stringify(json.cpu.psi)).toBe('{"some":{"avg10":1.5,"avg60":0.25,"avg300":0,"total":123456},"full":{"avg10":0,"avg60":0,"avg300":0,"total":789}}');
  });
  it('parsePsi: a file that is not there or does not parse gives no psi', () => {
    expect(parsePsi(undefined)).toBeUndefined();
    expect(parsePsi('some avg10=x avg60=0 avg300=0 total=1')).toBeUndefined();
    expect(parsePsi('some avg10=0 avg60=0 avg300=0 total=-1')).toBeUndefined();
    expect(parsePsi('')).toEqual({ some: { avg10: 0, avg60: 0, avg300: 0, total: 0 }, full: { avg10: 0, avg60: 0, avg300: 0, total: 0 } });
  });
  it('parsers', () => {
    expect(parseBlkioEntries('Total 5')).toEqual([]);
    expect(parseIoStat('').bytes).toEqual([]);
  });
});
