import { describe, expect, it } from 'vitest';
import { parseBlkioEntries, parseIoStat, statsV1, statsV2 } from '../../src/cgroups/stats.js';

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
  });
  it('parsers', () => {
    expect(parseBlkioEntries('Total 5')).toEqual([]);
    expect(parseIoStat('').bytes).toEqual([]);
  });
});
