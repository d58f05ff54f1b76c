/**
 * linux.resources arrives as `unknown` (parsed JSON, or what `update` builds). This checks the
 * shape field by field, so that a planner can trust its input, and names the field on error:
 * "linux.resources.memory.limit: must be an integer".
 */
import { CgroupError } from './errors.js';
import type { Int, LinuxResources } from './types.js';

export const FIELD = 'linux.resources';

type Obj = Record<string, unknown>;

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(field: string, what: string): never {
  throw new CgroupError(`${field}: ${what}`);
}

function checkInt(v: unknown, field: string, min?: bigint, max?: bigint): void {
  if (v === undefined) return;
  let b: bigint;
  if (typeof v === 'bigint') b = v;
  else if (typeof v === 'number' && Number.isInteger(v)) b = BigInt(v);
  else fail(field, `must be an integer, got ${JSON.stringify(v)}`);
  if (min !== undefined && b < min) fail(field, `must be >= ${min}, got ${b}`);
  if (max !== undefined && b > max) fail(field, `must be <= ${max}, got ${b}`);
}

const U16 = 65535n;
const U32 = 4294967295n;
const I64MIN = -(2n ** 63n);
const I64MAX = 2n ** 63n - 1n;
const U64MAX = 2n ** 64n - 1n;

function checkObj(v: unknown, field: string): Obj | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObj(v)) fail(field, 'must be an object');
  return v;
}

function checkArr(v: unknown, field: string): unknown[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v)) fail(field, 'must be an array');
  return v;
}

function checkBool(v: unknown, field: string): void {
  if (v !== undefined && typeof v !== 'boolean') fail(field, 'must be a boolean');
}

function checkStr(v: unknown, field: string): void {
  if (v !== undefined && typeof v !== 'string') fail(field, 'must be a string');
}

/** Validates the shape; returns the same object typed (null and undefined → {}). */
export function parseResources(v: unknown, field = FIELD): LinuxResources {
  if (v === undefined || v === null) return {};
  const r = checkObj(v, field)!;

  const devices = checkArr(r.devices, `${field}.devices`);
  devices?.forEach((d, i) => {
    const f = `${field}.devices[${i}]`;
    const o = checkObj(d, f);
    if (!o) fail(f, 'must be an object');
    if (typeof o.allow !== 'boolean') fail(`${f}.allow`, 'must be a boolean');
    checkStr(o.type, `${f}.type`);
    if (o.type !== undefined && !['a', 'b', 'c'].includes(o.type as string)) {
      fail(`${f}.type`, `must be "a", "b" or "c", got ${JSON.stringify(o.type)}`);
    }
    if (o.major !== null) checkInt(o.major, `${f}.major`, -1n, U32);
    if (o.minor !== null) checkInt(o.minor, `${f}.minor`, -1n, U32);
    // Letters other than r, w, m are dropped when the rule is made (normaliseRule), as runc.
    checkStr(o.access, `${f}.access`);
  });

  const mem = checkObj(r.memory, `${field}.memory`);
  if (mem) {
    for (const k of ['limit', 'reservation', 'swap', 'kernel', 'kernelTCP']) {
      checkInt(mem[k], `${field}.memory.${k}`, I64MIN, I64MAX);
    }
    checkInt(mem.swappiness, `${field}.memory.swappiness`, I64MIN, U64MAX);
    for (const k of ['disableOOMKiller', 'useHierarchy', 'checkBeforeUpdate']) checkBool(mem[k], `${field}.memory.${k}`);
  }

  const cpu = checkObj(r.cpu, `${field}.cpu`);
  if (cpu) {
    checkInt(cpu.shares, `${field}.cpu.shares`, 0n, U64MAX);
    checkInt(cpu.quota, `${field}.cpu.quota`, I64MIN, I64MAX);
    checkInt(cpu.burst, `${field}.cpu.burst`, 0n, U64MAX);
    checkInt(cpu.period, `${field}.cpu.period`, 0n, U64MAX);
    checkInt(cpu.realtimeRuntime, `${field}.cpu.realtimeRuntime`, I64MIN, I64MAX);
    checkInt(cpu.realtimePeriod, `${field}.cpu.realtimePeriod`, 0n, U64MAX);
    checkInt(cpu.idle, `${field}.cpu.idle`, I64MIN, I64MAX);
    checkStr(cpu.cpus, `${field}.cpu.cpus`);
    checkStr(cpu.mems, `${field}.cpu.mems`);
  }

  const pids = checkObj(r.pids, `${field}.pids`);
  if (pids) checkInt(pids.limit, `${field}.pids.limit`, I64MIN, I64MAX);

  const bio = checkObj(r.blockIO, `${field}.blockIO`);
  if (bio) {
    checkInt(bio.weight, `${field}.blockIO.weight`, 0n, U16);
    checkInt(bio.leafWeight, `${field}.blockIO.leafWeight`, 0n, U16);
    checkArr(bio.weightDevice, `${field}.blockIO.weightDevice`)?.forEach((d, i) => {
      const f = `${field}.blockIO.weightDevice[${i}]`;
      const o = checkObj(d, f) ?? fail(f, 'must be an object');
      checkInt(o.major, `${f}.major`, 0n, U32);
      checkInt(o.minor, `${f}.minor`, 0n, U32);
      if (o.major === undefined || o.minor === undefined) fail(f, 'major and minor are required');
      checkInt(o.weight, `${f}.weight`, 0n, U16);
      checkInt(o.leafWeight, `${f}.leafWeight`, 0n, U16);
    });
    for (const k of ['throttleReadBpsDevice', 'throttleWriteBpsDevice', 'throttleReadIOPSDevice', 'throttleWriteIOPSDevice']) {
      checkArr(bio[k], `${field}.blockIO.${k}`)?.forEach((d, i) => {
        const f = `${field}.blockIO.${k}[${i}]`;
        const o = checkObj(d, f) ?? fail(f, 'must be an object');
        checkInt(o.major, `${f}.major`, 0n, U32);
        checkInt(o.minor, `${f}.minor`, 0n, U32);
        checkInt(o.rate, `${f}.rate`, 0n, U64MAX);
        if (o.major === undefined || o.minor === undefined || o.rate === undefined) fail(f, 'major, minor and rate are required');
      });
    }
  }

  checkArr(r.hugepageLimits, `${field}.hugepageLimits`)?.forEach((h, i) => {
    const f = `${field}.hugepageLimits[${i}]`;
    const o = checkObj(h, f) ?? fail(f, 'must be an object');
    if (typeof o.pageSize !== 'string' || !/^\d+[KMGT]B$/.test(o.pageSize)) {
      fail(`${f}.pageSize`, `must be a size like "2MB" or "1GB", got ${JSON.stringify(o.pageSize)}`);
    }
    if (o.limit === undefined) fail(`${f}.limit`, 'is required');
    checkInt(o.limit, `${f}.limit`, 0n, U64MAX);
  });

  const net = checkObj(r.network, `${field}.network`);
  if (net) {
    checkInt(net.classID, `${field}.network.classID`, 0n, U32);
    checkArr(net.priorities, `${field}.network.priorities`)?.forEach((p, i) => {
      const f = `${field}.network.priorities[${i}]`;
      const o = checkObj(p, f) ?? fail(f, 'must be an object');
      if (typeof o.name !== 'string' || o.name === '' || /[\s/]/.test(o.name)) fail(`${f}.name`, 'must be an interface name');
      if (o.priority === undefined) fail(`${f}.priority`, 'is required');
      checkInt(o.priority, `${f}.priority`, 0n, U32);
    });
  }

  const rdma = checkObj(r.rdma, `${field}.rdma`);
  if (rdma) {
    for (const [dev, lim] of Object.entries(rdma)) {
      const f = `${field}.rdma.${dev}`;
      if (dev === '' || /\s/.test(dev)) fail(f, 'the device name must not be empty or contain spaces');
      const o = checkObj(lim, f) ?? fail(f, 'must be an object');
      checkInt(o.hcaHandles, `${f}.hcaHandles`, 0n, U32);
      checkInt(o.hcaObjects, `${f}.hcaObjects`, 0n, U32);
    }
  }

  const unified = checkObj(r.unified, `${field}.unified`);
  if (unified) {
    for (const [k, val] of Object.entries(unified)) checkStr(val, `${field}.unified.${k}`);
  }

  return r as LinuxResources;
}

/** An Int as a bigint (undefined stays undefined). */
export function big(v: Int | undefined | null): bigint | undefined {
  if (v === undefined || v === null) return undefined;
  return typeof v === 'bigint' ? v : BigInt(v);
}
