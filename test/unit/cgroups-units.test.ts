import { describe, expect, it } from 'vitest';
import {
  blkioWeightToIoWeight, cpuMax, hugepageDirToSize, memorySwapToV2, pageSizeBytes, parseCpuList, sharesToWeight, v2Value,
} from '../../src/cgroups/units.js';

describe('cgroup unit conversions (runc)', () => {
  it('cpu shares → weight', () => {
    expect(sharesToWeight(0n)).toBe(0n);
    expect(sharesToWeight(2n)).toBe(1n);
    expect(sharesToWeight(1024n)).toBe(39n); // 1 + (1022*9999)/262142 = 39.98 → 39
    expect(sharesToWeight(262144n)).toBe(10000n);
    expect(sharesToWeight(1n)).toBe(1n); // clamped, not wrapped
    expect(sharesToWeight(10n ** 9n)).toBe(10000n);
  });
  it('blkio weight → io weight', () => {
    expect(blkioWeightToIoWeight(0n)).toBe(0n);
    expect(blkioWeightToIoWeight(10n)).toBe(1n);
    expect(blkioWeightToIoWeight(500n)).toBe(1n + (490n * 9999n) / 990n);
    expect(blkioWeightToIoWeight(1000n)).toBe(10000n);
  });
  it('memory+swap → swap.max', () => {
    expect(memorySwapToV2(0n, -1n)).toBe(-1n);
    expect(memorySwapToV2(-1n, 100n)).toBe(-1n);
    expect(memorySwapToV2(0n, 100n)).toBe(0n);
    expect(memorySwapToV2(300n, 100n)).toBe(200n);
    expect(memorySwapToV2(100n, 100n)).toBe(0n);
    expect(() => memorySwapToV2(50n, 100n)).toThrow('memory+swap limit should be >= memory limit');
    expect(() => memorySwapToV2(50n, 0n)).toThrow('without memory limit');
  });
  it('v2 values and cpu.max', () => {
    expect(v2Value(undefined)).toBeUndefined();
    expect(v2Value(0n)).toBeUndefined();
    expect(v2Value(-1n)).toBe('max');
    expect(v2Value(5n)).toBe('5');
    expect(cpuMax(undefined, undefined)).toBeUndefined();
    expect(cpuMax(50000n, 100000n)).toBe('50000 100000');
    expect(cpuMax(-1n, undefined)).toBe('max');
    expect(cpuMax(undefined, 100000n)).toBe('max 100000');
  });
  it('page sizes and cpu lists', () => {
    expect(pageSizeBytes('2MB')).toBe(2n * 1024n * 1024n);
    expect(pageSizeBytes('1GB')).toBe(1024n ** 3n);
    expect(hugepageDirToSize('hugepages-2048kB')).toBe('2MB');
    expect(hugepageDirToSize('hugepages-1048576kB')).toBe('1GB');
    expect(hugepageDirToSize('hugepages-64kB')).toBe('64KB');
    expect(parseCpuList('0-3,7')).toEqual([0, 1, 2, 3, 7]);
    expect(parseCpuList('')).toEqual([]);
    expect(() => parseCpuList('a')).toThrow();
  });
});
