// Planning of process.execCPUAffinity, the CPU affinity reset and linux.memoryPolicy: the list
// format, the bitmaps the syscalls take, where the steps go and what an error names.
import { describe, it, expect } from 'vitest';
import { bitmapIds, formatIdList, idBitmap, parseIdList } from '../../src/id-list.js';
import { execAffinityOps, resetAffinityOp } from '../../src/plan/cpu-affinity.js';
import { memoryPolicyOp, mempolicyMode } from '../../src/plan/memory-policy.js';
import { execPlan } from '../../src/plan/exec.js';
import { decodeStep } from '../../src/dryrun/decode.js';
import { validateConfig, validateProcess } from '../../src/validate/config.js';
import { defaultConfig } from '../../src/spec/default-config.js';
import { renderInitError } from '../../src/runtime/init-errors.js';
import { planOfDefault } from '../helpers/plan.js';

const EINVAL = 22;

describe('CPU and node lists', () => {
  it('parses the kernel list format as runc does', () => {
    expect(parseIdList('0-3,7')).toEqual([0, 1, 2, 3, 7]);
    expect(parseIdList(' 7 , 0-1,')).toEqual([0, 1, 7]);
    expect(parseIdList('1,1-2')).toEqual([1, 2]);
    expect(parseIdList('')).toEqual([]);
    expect(() => parseIdList('0-x')).toThrow('"0-x" is not a number or a range N-M');
    expect(() => parseIdList('3-1')).toThrow('the range 3-1 ends before it starts');
    expect(() => parseIdList('0-70000')).toThrow('70000 is above the highest supported id 65535');
  });

  it('bitmaps are whole unsigned longs, bit n of byte n/8', () => {
    expect([...idBitmap([0])]).toEqual([1, 0, 0, 0, 0, 0, 0, 0]);
    expect([...idBitmap([1, 9])]).toEqual([2, 2, 0, 0, 0, 0, 0, 0]);
    expect(idBitmap([64]).length).toBe(16);
    expect(idBitmap([]).length).toBe(8);
    expect(bitmapIds(idBitmap([0, 1, 2, 3, 7, 100]))).toEqual([0, 1, 2, 3, 7, 100]);
    expect(formatIdList([0, 1, 2, 3, 7, 9, 10])).toBe('0-3,7,9-10');
    expect(formatIdList([])).toBe('');
  });
});

describe('execCPUAffinity', () => {
  const own = (affinity: any) => ({ affinity, doc: 'process.json', at: '/execCPUAffinity' });
  const conf = (affinity: any) => ({ affinity, doc: 'config.json', at: '/process/execCPUAffinity' });
  const cpus = (ops: any[]) => ops.map((o) => [o.op, decodeStep(o).cpus, o.from]);

  it('neither given: the reset to every CPU after the cgroup join', () => {
    const r = execAffinityOps(own(undefined), conf(undefined));
    expect(r.before).toEqual([]);
    expect(cpus(r.after)).toEqual([['CPU_AFFINITY', '0-8191', undefined]]);
    expect(execAffinityOps(own({ initial: '', final: ' ' }), conf(undefined)).after).toEqual([resetAffinityOp()]);
  });

  it('initial before the join, final after it', () => {
    const r = execAffinityOps(own({ initial: '0', final: '1' }), conf(undefined));
    expect(cpus(r.before)).toEqual([['CPU_AFFINITY', '0', '/execCPUAffinity/initial']]);
    expect(cpus(r.after)).toEqual([['CPU_AFFINITY', '1', '/execCPUAffinity/final']]);
  });

  it('only initial: nothing after the join (the kernel decides, runc)', () => {
    const r = execAffinityOps(own({ initial: '1' }), conf(undefined));
    expect(cpus(r.before)).toEqual([['CPU_AFFINITY', '1', '/execCPUAffinity/initial']]);
    expect(r.after).toEqual([]);
  });

  it("config.json's is the default of a process that names none (runc)", () => {
    const r = execAffinityOps(own(undefined), conf({ final: '0-1' }));
    expect(r.before).toEqual([]);
    expect(cpus(r.after)).toEqual([['CPU_AFFINITY', '0-1', '/process/execCPUAffinity/final']]);
    // The process's own wins as a whole.
    const o = execAffinityOps(own({ initial: '1' }), conf({ final: '0' }));
    expect(o.after).toEqual([]);
  });

  it('the kernel refusing every CPU names the field', () => {
    const [op] = execAffinityOps(own({ final: '7' }), conf(undefined)).after;
    expect(renderInitError([op!], ['0', 'sched_setaffinity', String(EINVAL), ''])).toBe(
      "process.json: /execCPUAffinity/final: none of the CPUs 7 is online and allowed by the container's cpuset",
    );
    const [cop] = execAffinityOps(own(undefined), conf({ initial: '5' })).before;
    expect(renderInitError([cop!], ['0', 'sched_setaffinity', String(EINVAL), ''])).toMatch(/^config\.json: \/process\/execCPUAffinity\/initial: none of the CPUs 5 /);
  });

  it('exec plan: initial first, final right after the cgroup join, before any setns', () => {
    const plan = execPlan({
      initPid: 1, namespaces: [], cgroupProcs: ['/sys/fs/cgroup/cpuset/x/cgroup.procs'], process: { args: ['true'], cwd: '/', execCPUAffinity: { initial: '0', final: '1' } },
      linux: {}, preserveFds: 0,
    });
    expect(plan.slice(0, 4).map((o) => o.op)).toEqual(['CPU_AFFINITY', 'CGROUP_JOIN', 'CPU_AFFINITY', 'CLONE']);
  });

  it('exec plan moved in by the runtime: no CGROUP_JOIN; JOIN_BY_RUNTIME right before CLONE; final in the process, after the move', () => {
    const inp = {
      initPid: 1, namespaces: [], cgroupProcs: ['/sys/fs/cgroup/cpuset/x/cgroup.procs'], process: { args: ['true'], cwd: '/', execCPUAffinity: { initial: '0', final: '1' } },
      linux: {}, preserveFds: 0, joinByRuntime: true,
    };
    const ops = execPlan(inp).map((o) => o.op);
    expect(ops).not.toContain('CGROUP_JOIN');
    expect(ops.slice(0, 4)).toEqual(['CPU_AFFINITY', 'JOIN_BY_RUNTIME', 'CLONE', 'CPU_AFFINITY']);
    // Without a cgroup there is nothing to move: the plan is as before.
    expect(execPlan({ ...inp, cgroupProcs: [] }).map((o) => o.op)).not.toContain('JOIN_BY_RUNTIME');
    // No affinity given: the reset runs in the process, after the move.
    const reset = execPlan({ ...inp, process: { args: ['true'], cwd: '/' } }).map((o) => o.op);
    expect(reset.slice(0, 3)).toEqual(['JOIN_BY_RUNTIME', 'CLONE', 'CPU_AFFINITY']);
  });

  it('create: the init is reset after its cgroup joins, never given execCPUAffinity (config.md)', () => {
    const plan = planOfDefault((c) => (c.process.execCPUAffinity = { initial: '0', final: '1' }), { cgroupProcs: ['/a/cgroup.procs', '/b/cgroup.procs'] });
    const a = plan.slice(0, plan.findIndex((o) => o.op === 'CLONE'));
    expect(a.map((o) => o.op).slice(1, 4)).toEqual(['CGROUP_JOIN', 'CGROUP_JOIN', 'CPU_AFFINITY']);
    expect(plan.filter((o) => o.op === 'CPU_AFFINITY')).toEqual([resetAffinityOp()]);
  });

  it('validation refuses a bad list naming the field', () => {
    const withAffinity = (a: any) => {
      const c = defaultConfig();
      c.process.execCPUAffinity = a;
      return validateConfig(c).errors;
    };
    expect(withAffinity({ initial: '0-3,7', final: '' })).toEqual([]);
    // The schema's pattern refuses other characters; the ranges are checked here.
    expect(withAffinity({ initial: '0-x' })).toEqual(['config.json: /process/execCPUAffinity/initial: must match ^[0-9, -]*$']);
    expect(withAffinity({ initial: '3-1' })).toEqual(['config.json: /process/execCPUAffinity/initial: "3-1" is not a CPU list like "0-3,7": the range 3-1 ends before it starts']);
    expect(withAffinity({ initial: '1-2-3' })).toEqual(['config.json: /process/execCPUAffinity/initial: "1-2-3" is not a CPU list like "0-3,7": "1-2-3" is not a number or a range N-M']);
    expect(withAffinity({ final: ',' })).toEqual(['config.json: /process/execCPUAffinity/final: names no CPU']);
    expect(validateProcess({ args: ['sh'], cwd: '/', execCPUAffinity: { final: '2-1' } }).errors).toEqual([
      'process.json: /execCPUAffinity/final: "2-1" is not a CPU list like "0-3,7": the range 2-1 ends before it starts',
    ]);
  });
});

describe('memoryPolicy', () => {
  it('mode and flags as set_mempolicy numbers (linux/mempolicy.h)', () => {
    expect(mempolicyMode('MPOL_DEFAULT')).toBe(0);
    expect(mempolicyMode('MPOL_PREFERRED')).toBe(1);
    expect(mempolicyMode('MPOL_BIND')).toBe(2);
    expect(mempolicyMode('MPOL_INTERLEAVE')).toBe(3);
    expect(mempolicyMode('MPOL_LOCAL')).toBe(4);
    expect(mempolicyMode('MPOL_PREFERRED_MANY')).toBe(5);
    expect(mempolicyMode('MPOL_WEIGHTED_INTERLEAVE')).toBe(6);
    expect(mempolicyMode('MPOL_BIND', ['MPOL_F_STATIC_NODES'])).toBe(2 | 0x8000);
    expect(mempolicyMode('MPOL_INTERLEAVE', ['MPOL_F_RELATIVE_NODES'])).toBe(3 | 0x4000);
    expect(mempolicyMode('MPOL_BIND', ['MPOL_F_NUMA_BALANCING'])).toBe(2 | 0x2000);
  });

  it('the step: mode number and node bitmap; none without nodes', () => {
    const op = memoryPolicyOp({ mode: 'MPOL_BIND', nodes: '0-1,3' }, [0, 1, 2, 3])!;
    expect(op.op).toBe('MEMPOLICY');
    expect(op.args[0]).toBe('2');
    expect(decodeStep(op)).toEqual({ mode: '0x2', nodes: '0-1,3' });
    expect(op.from).toBe('/linux/memoryPolicy');
    expect(memoryPolicyOp({ mode: 'MPOL_LOCAL' })!.args).toEqual(['4', '']);
    expect(memoryPolicyOp(undefined)).toBeUndefined();
  });

  it('a node the host lacks is refused naming nodes, unless static or relative', () => {
    expect(() => memoryPolicyOp({ mode: 'MPOL_BIND', nodes: '0,7' }, [0])).toThrow('config.json: /linux/memoryPolicy/nodes: this host has no NUMA node 7 (online: 0)');
    expect(memoryPolicyOp({ mode: 'MPOL_BIND', nodes: '7', flags: ['MPOL_F_STATIC_NODES'] }, [0])).toBeDefined();
    expect(memoryPolicyOp({ mode: 'MPOL_INTERLEAVE', nodes: '7', flags: ['MPOL_F_RELATIVE_NODES'] }, [0])).toBeDefined();
  });

  it("the kernel's EINVAL names the field", () => {
    const op = memoryPolicyOp({ mode: 'MPOL_BIND', nodes: '5', flags: ['MPOL_F_STATIC_NODES'] })!;
    expect(renderInitError([op], ['0', 'set_mempolicy', String(EINVAL), ''])).toBe(
      'config.json: /linux/memoryPolicy: the kernel refuses MPOL_BIND|MPOL_F_STATIC_NODES (set_mempolicy: EINVAL): none of the nodes 5 is allowed to the container (cpuset.mems), or the mode does not take these flags',
    );
    const plain = memoryPolicyOp({ mode: 'MPOL_BIND', nodes: '5' })!;
    expect(renderInitError([plain], ['0', 'set_mempolicy', String(EINVAL), ''])).toMatch(/^config\.json: \/linux\/memoryPolicy\/nodes: /);
  });

  it('create and exec both set it, with the process attributes (runc)', () => {
    const mp = { mode: 'MPOL_INTERLEAVE', nodes: '0' };
    const create = planOfDefault((c) => (c.linux.memoryPolicy = mp));
    const clone = create.findIndex((o) => o.op === 'CLONE');
    expect(create.findIndex((o) => o.op === 'MEMPOLICY')).toBeGreaterThan(clone);
    const exec = execPlan({ initPid: 1, namespaces: [], cgroupProcs: [], process: { args: ['true'], cwd: '/' }, linux: { memoryPolicy: mp }, preserveFds: 0 });
    expect(exec.filter((o) => o.op === 'MEMPOLICY')).toHaveLength(1);
  });

  it('validation: node list syntax and flags that exclude each other', () => {
    const withPolicy = (mp: any) => {
      const c = defaultConfig();
      c.linux.memoryPolicy = mp;
      return validateConfig(c).errors;
    };
    expect(withPolicy({ mode: 'MPOL_BIND', nodes: '0-x' })).toEqual(['config.json: /linux/memoryPolicy/nodes: "0-x" is not a node list like "0-3,7": "0-x" is not a number or a range N-M']);
    expect(withPolicy({ mode: 'MPOL_BIND', nodes: '0', flags: ['MPOL_F_STATIC_NODES', 'MPOL_F_RELATIVE_NODES'] })).toEqual([
      'config.json: /linux/memoryPolicy/flags: MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude each other (set_mempolicy(2))',
    ]);
  });
});
