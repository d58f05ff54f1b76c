import { describe, expect, it } from 'vitest';
import { planV1 } from '../../src/cgroups/v1/index.js';
import { planV2 } from '../../src/cgroups/v2/index.js';
import { planRtBudget } from '../../src/cgroups/v1/cpu-rt.js';
import { pidsLimit } from '../../src/cgroups/units.js';
import { splitPids } from '../../src/cgroups/pids-after-init.js';
import type { CgroupWrite, PlanContext } from '../../src/cgroups/types.js';

const V1_CONTROLLERS = ['cpu', 'cpuacct', 'cpuset', 'memory', 'devices', 'freezer', 'blkio', 'pids', 'hugetlb', 'net_cls', 'net_prio', 'rdma'];

function ctx(files: Record<string, string> = {}, opts: { controllers?: string[]; update?: boolean } = {}): PlanContext {
  return {
    read: (c, f) => files[`${c}/${f}`],
    exists: (c, f) => `${c}/${f}` in files,
    controllers: new Set(opts.controllers ?? V1_CONTROLLERS),
    update: opts.update ?? false,
  };
}

const brief = (ws: CgroupWrite[]) => ws.map((w) => `${w.controller}:${w.file}=${w.value}`);
const noDevices = (ws: CgroupWrite[]) => ws.filter((w) => w.controller !== 'devices');

describe('v1 planning', () => {
  it('memory: limit before memsw at create, memsw first when growing', () => {
    const r = { memory: { limit: 100, swap: 200, reservation: 50, swappiness: 10, disableOOMKiller: true } };
    expect(brief(noDevices(planV1(r, ctx({ 'memory/memory.limit_in_bytes': '9223372036854771712' }))))).toEqual([
      'memory:memory.limit_in_bytes=100',
      'memory:memory.memsw.limit_in_bytes=200',
      'memory:memory.soft_limit_in_bytes=50',
      'memory:memory.oom_control=1',
      'memory:memory.swappiness=10',
    ]);
    expect(brief(noDevices(planV1({ memory: { limit: 300, swap: 600 } }, ctx({ 'memory/memory.limit_in_bytes': '100' }, { update: true }))))).toEqual([
      'memory:memory.memsw.limit_in_bytes=600',
      'memory:memory.limit_in_bytes=300',
    ]);
  });
  it('memory: -1 limit sets memsw unlimited too when swap accounting exists; kernel ignored', () => {
    expect(brief(noDevices(planV1({ memory: { limit: -1, kernel: 10, kernelTCP: 10 } }, ctx({ 'memory/memory.memsw.limit_in_bytes': 'x', 'memory/memory.limit_in_bytes': '1' })))))
      .toEqual(['memory:memory.memsw.limit_in_bytes=-1', 'memory:memory.limit_in_bytes=-1']);
    expect(() => planV1({ memory: { swappiness: 101 } }, ctx())).toThrow(/^linux\.resources\.memory\.swappiness: invalid memory swappiness/);
  });
  it('cpu and cpuset', () => {
    const ws = noDevices(planV1({ cpu: { shares: 512, quota: 50000, period: 100000, burst: 1000, idle: 0, realtimePeriod: 1000000, realtimeRuntime: 950000, cpus: '0-1', mems: '0' } }, ctx()));
    expect(brief(ws)).toEqual([
      'cpuset:cpuset.cpus=0-1', 'cpuset:cpuset.mems=0',
      'cpu:cpu.shares=512', 'cpu:cpu.cfs_period_us=100000', 'cpu:cpu.cfs_burst_us=1000', 'cpu:cpu.cfs_quota_us=50000',
      'cpu:cpu.idle=0', 'cpu:cpu.rt_period_us=1000000', 'cpu:cpu.rt_runtime_us=950000',
    ]);
    const shares = ws.find((w) => w.file === 'cpu.shares')!;
    expect(shares.check!('512')).toBeUndefined();
    expect(shares.check!('262144')).toBe('the minimum allowed cpu-shares is 262144');
    expect(ws.find((w) => w.file === 'cpu.cfs_period_us')!.deferOnEinval).toBe(true);
    expect(ws.find((w) => w.file === 'cpu.cpus')).toBeUndefined();
    expect(ws[0]!.field).toBe('linux.resources.cpu.cpus');
  });
  it('pids.limit: 0 is a limit (applied as 1, as runc 1.5), a negative value "max", absent nothing', () => {
    for (const [limit, want] of [[0, '1'], [-1, 'max'], [-5, 'max'], [7, '7']] as const) {
      expect(brief(noDevices(planV1({ pids: { limit } }, ctx({}))))).toEqual([`pids:pids.max=${want}`]);
      expect(brief(planV2({ pids: { limit } }, ctx({})))).toEqual([`:pids.max=${want}`]);
    }
    expect(noDevices(planV1({ pids: {} }, ctx({})))).toEqual([]);
    expect(pidsLimit(0n)).toBe(1n);
    expect(pidsLimit(-1n)).toBe('max');
  });

  it('splits the pids limit off, to apply once the init is up', () => {
    expect(splitPids({ memory: { limit: 1 }, pids: { limit: 0 } })).toEqual({ atCreate: { memory: { limit: 1 } }, afterInit: { pids: { limit: 0 } } });
    expect(splitPids({ memory: { limit: 1 } })).toEqual({ atCreate: { memory: { limit: 1 } } });
    expect(splitPids(undefined)).toEqual({ atCreate: undefined });
  });

  it('pids, blkio, hugetlb, network, rdma', () => {
    const r = {
      pids: { limit: -1 },
      blockIO: {
        weight: 300, leafWeight: 200,
        weightDevice: [{ major: 8, minor: 0, weight: 500, leafWeight: 300 }],
        throttleReadBpsDevice: [{ major: 8, minor: 0, rate: 1048576 }],
        throttleWriteIOPSDevice: [{ major: 8, minor: 16, rate: 100 }],
      },
      hugepageLimits: [{ pageSize: '2MB', limit: 2097152 }],
      network: { classID: 1048577, priorities: [{ name: 'eth0', priority: 5 }] },
      rdma: { mlx5_1: { hcaHandles: 3, hcaObjects: 10000 } },
    };
    expect(brief(noDevices(planV1(r, ctx({ 'blkio/blkio.weight': '500', 'hugetlb/hugetlb.2MB.rsvd.limit_in_bytes': '0' }))))).toEqual([
      'pids:pids.max=max',
      'blkio:blkio.weight=300', 'blkio:blkio.leaf_weight=200', 'blkio:blkio.weight_device=8:0 500', 'blkio:blkio.leaf_weight_device=8:0 300',
      'blkio:blkio.throttle.read_bps_device=8:0 1048576', 'blkio:blkio.throttle.write_iops_device=8:16 100',
      'hugetlb:hugetlb.2MB.limit_in_bytes=2097152', 'hugetlb:hugetlb.2MB.rsvd.limit_in_bytes=2097152',
      'net_cls:net_cls.classid=1048577', 'net_prio:net_prio.ifpriomap=eth0 5',
      'rdma:rdma.max=mlx5_1 hca_handle=3 hca_object=10000',
    ]);
    // BFQ-only kernels: blkio.bfq.weight
    expect(brief(noDevices(planV1({ blockIO: { weight: 300 } }, ctx({ 'blkio/blkio.bfq.weight': '100' }))))).toEqual(['blkio:blkio.bfq.weight=300']);
  });
  it('devices on update: only the difference when both sides are default-deny; a reset otherwise', () => {
    const list = ['c *:* m', 'b *:* m', 'c 1:3 rwm', 'c 1:8 rwm', 'c 1:7 rwm', 'c 5:0 rwm', 'c 1:5 rwm', 'c 1:9 rwm', 'c 136:* rwm', 'c 5:2 rwm', 'c 10:229 rw'].join('\n');
    const up = (devices: unknown[], l = list) => brief(planV1({ devices }, ctx({ 'devices/devices.list': l }, { update: true })));
    // same rules: nothing to write
    expect(up([{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 10, minor: 229, access: 'rw' }])).toEqual([]);
    // 10:229 loses w, 10:200 comes: denies first, then allows
    expect(up([{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 10, minor: 200, access: 'rw' }, { allow: true, type: 'c', major: 10, minor: 229, access: 'r' }])).toEqual([
      'devices:devices.deny=c 10:229 w', 'devices:devices.allow=c 10:200 rw',
    ]);
    // a spec deny of a default device is undone by the defaults that follow it (runc's order)
    expect(up([{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 10, minor: 229, access: 'rw' }, { allow: false, type: 'c', major: 1, minor: 5, access: 'w' }])).toEqual([]);
    // current allow-all (its exceptions are hidden) or a wanted allow-all: the full reset
    expect(up([{ allow: false, access: 'rwm' }], 'a *:* rwm')[0]).toBe('devices:devices.deny=a');
    expect(up([{ allow: true, access: 'rwm' }])[0]).toBe('devices:devices.deny=a');
  });
  it('devices: deny all, the spec rules in order, then the defaults', () => {
    const ws = planV1({ devices: [{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 10, minor: 229, access: 'rw' }, { allow: false, type: 'b', major: 8 }] }, ctx());
    expect(brief(ws).slice(0, 5)).toEqual([
      'devices:devices.deny=a', 'devices:devices.deny=a *:* rwm', 'devices:devices.allow=c 10:229 rw', 'devices:devices.deny=b 8:* rwm', 'devices:devices.allow=c *:* m',
    ]);
    expect(brief(ws)).toContain('devices:devices.allow=c 136:* rwm');
    expect(ws[2]!.field).toBe('linux.resources.devices[1]');
    // create with no resources still applies the default policy; update without devices does not
    expect(planV1(undefined, ctx()).length).toBeGreaterThan(5);
    expect(planV1({ pids: { limit: 5 } }, ctx({}, { update: true }))).toHaveLength(1);
  });
  it('errors name the field', () => {
    expect(() => planV1({ network: { classID: 1 } }, ctx({}, { controllers: ['devices', 'memory'] }))).toThrow(
      'linux.resources.network.classID: the net_cls cgroup controller is not mounted on this host',
    );
    expect(() => planV1({ memory: { limit: 'big' } }, ctx())).toThrow('linux.resources.memory.limit: must be an integer');
    expect(() => planV1({ unified: { 'memory.high': '1' } }, ctx())).toThrow(/^invalid configuration: linux\.resources\.unified: needs cgroup v2/);
    expect(() => planV1({ devices: [{ allow: true, type: 'x' }] }, ctx())).toThrow(/^linux\.resources\.devices\[0\]\.type/);
    expect(() => planV1({ hugepageLimits: [{ pageSize: '2M', limit: 1 }] }, ctx())).toThrow(/hugepageLimits\[0\]\.pageSize/);
  });
});

const V2 = ['cpuset', 'cpu', 'io', 'memory', 'hugetlb', 'pids', 'rdma'];
const ctx2 = (files: Record<string, string> = {}, update = false) => ctx(Object.fromEntries(Object.entries(files).map(([k, v]) => [`/${k}`, v])), { controllers: V2, update });

describe('v2 planning', () => {
  it('memory: swap.max = swap - limit, before memory.max', () => {
    expect(brief(planV2({ memory: { limit: 100, swap: 300, reservation: 50, swappiness: 10, disableOOMKiller: true } }, ctx2()))).toEqual([
      ':memory.swap.max=200', ':memory.max=100', ':memory.low=50',
    ]);
    expect(brief(planV2({ memory: { limit: 100, swap: 100 } }, ctx2()))).toEqual([':memory.swap.max=0', ':memory.max=100']);
    expect(brief(planV2({ memory: { limit: -1 } }, ctx2()))).toEqual([':memory.swap.max=max', ':memory.max=max']);
    expect(planV2({ memory: { limit: -1 } }, ctx2())[0]!.ignoreMissing).toBe(true);
    expect(() => planV2({ memory: { limit: 100, swap: 50 } }, ctx2())).toThrow('linux.resources.memory.swap: memory+swap limit should be >= memory limit');
    expect(() => planV2({ memory: { limit: 100, checkBeforeUpdate: true } }, ctx2({ 'memory.current': '500' }, true))).toThrow(
      /^linux\.resources\.memory\.limit: rejecting memory limit 100: less than the current usage 500/,
    );
  });
  it('cpu: weight from shares, cpu.max from quota/period, burst', () => {
    expect(brief(planV2({ cpu: { shares: 1024, quota: 50000, period: 100000, burst: 1000, idle: 1, cpus: '1', mems: '0' } }, ctx2()))).toEqual([
      ':cpuset.cpus=1', ':cpuset.mems=0', ':cpu.idle=1', ':cpu.weight=39', ':cpu.max.burst=1000', ':cpu.max=50000 100000',
    ]);
    expect(brief(planV2({ cpu: { quota: -1 } }, ctx2()))).toEqual([':cpu.max=max']);
    expect(() => planV2({ cpu: { realtimeRuntime: 5 } }, ctx2())).toThrow('linux.resources.cpu.realtimeRuntime: not supported on cgroup v2');
  });
  it('io: converted weight, or BFQ weight as is; io.max lines', () => {
    const r = { blockIO: { weight: 500, weightDevice: [{ major: 8, minor: 0, weight: 100 }], throttleReadBpsDevice: [{ major: 8, minor: 0, rate: 10 }], throttleWriteIOPSDevice: [{ major: 8, minor: 0, rate: 20 }] } };
    expect(brief(planV2(r, ctx2()))).toEqual([':io.weight=4950', ':io.weight=8:0 910', ':io.max=8:0 rbps=10', ':io.max=8:0 wiops=20']);
    expect(brief(planV2(r, ctx2({ 'io.bfq.weight': 'default 100' }))).slice(0, 2)).toEqual([':io.bfq.weight=500', ':io.bfq.weight=8:0 100']);
  });
  it('pids, hugetlb, rdma', () => {
    expect(brief(planV2({ pids: { limit: 10 }, hugepageLimits: [{ pageSize: '1GB', limit: 0 }], rdma: { mlx: { hcaHandles: 1 } } }, ctx2()))).toEqual([
      ':pids.max=10', ':hugetlb.1GB.max=0', ':rdma.max=mlx hca_handle=1',
    ]);
  });
  it('unified: written last, line by line, keys checked', () => {
    const ws = planV2({ memory: { limit: 100 }, unified: { 'memory.max': '200', 'io.max': '8:0 rbps=1\n8:16 wbps=2', 'cgroup.max.depth': '3' } }, ctx2());
    expect(brief(ws)).toEqual([':memory.max=100', ':memory.max=200', ':io.max=8:0 rbps=1', ':io.max=8:16 wbps=2', ':cgroup.max.depth=3']);
    expect(() => planV2({ unified: { '../memory.max': '1' } }, ctx2())).toThrow(/no "\/" or "\.\."/);
    expect(() => planV2({ unified: { 'memory..max': '1' } }, ctx2())).toThrow(/no "\/" or "\.\."/);
    expect(() => planV2({ unified: { max: '1' } }, ctx2())).toThrow(/CONTROLLER\.PARAMETER/);
    expect(() => planV2({ unified: { 'cgroup.procs': '1' } }, ctx2())).toThrow(/cannot be set/);
    expect(() => planV2({ unified: { 'misc.max': 'x 1' } }, ctx2())).toThrow(/controller "misc" is not available/);
  });
  it('converted fields need their controller enabled', () => {
    expect(() => planV2({ pids: { limit: 1 } }, ctx({}, { controllers: ['memory'] }))).toThrow(
      'linux.resources.pids.limit: the pids controller is not enabled in this cgroup (enabled: memory)',
    );
  });
  it('devices: no file writes on v2 (an eBPF program instead); out-of-range numbers are refused', () => {
    const rules = [{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 10, minor: 200, access: 'rwm' }];
    expect(planV2({ devices: rules }, ctx2())).toEqual([]);
    expect(() => planV2({ devices: [{ allow: true, type: 'c', major: 2 ** 32, minor: 1, access: 'r' }] }, ctx2())).toThrow(
      /^linux\.resources\.devices\[0\]\.major: /,
    );
  });
  it('network is refused on v2', () => {
    expect(() => planV2({ network: { classID: 1 } }, ctx2())).toThrow(/net_cls and net_prio do not exist on cgroup v2/);
  });
});

describe('v1 real-time budget for the parents berth made', () => {
  const files: Record<string, string> = {
    '/cg/cpu/own/cpu.rt_runtime_us': '950000',
    '/cg/cpu/own/a/cpu.rt_runtime_us': '0',
    '/cg/cpu/own/a/b/cpu.rt_runtime_us': '20000',
  };
  const read = (p: string) => files[p];

  it('gives each made ancestor that has less the runtime, top-down, and never one it did not make', () => {
    const created = ['/cg/cpu/own/a', '/cg/cpu/own/a/b', '/cg/cpu/own/a/b/c'];
    expect(planRtBudget('/cg/cpu/own/a/b/c', created, 10_000n, read)).toEqual([{ dir: '/cg/cpu/own/a', value: '10000' }]);
    expect(planRtBudget('/cg/cpu/own/a/b/c', created, 30_000n, read)).toEqual([
      { dir: '/cg/cpu/own/a', value: '30000' },
      { dir: '/cg/cpu/own/a/b', value: '30000' },
    ]);
    expect(planRtBudget('/cg/cpu/own/a/b/c', ['/cg/cpu/own/a/b/c'], 30_000n, read)).toEqual([]);
    expect(planRtBudget('/cg/cpu/own/a/b/c', created, 0n, read)).toEqual([]);
  });

  it('names the parent that grants too little', () => {
    expect(() => planRtBudget('/cg/cpu/own/a/b/c', ['/cg/cpu/own/a/b', '/cg/cpu/own/a/b/c'], 30_000n, read)).toThrow(
      'linux.resources.cpu.realtimeRuntime: 30000 µs is more than the parent cgroup /cg/cpu/own/a grants (cpu.rt_runtime_us 0)',
    );
  });
});
