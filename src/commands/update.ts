import { readFileSync } from 'node:fs';
import { BerthError, describeErrno } from '../errors.js';
import type { Globals } from '../cli/globals.js';
import { Store } from '../state/store.js';
import { withLock } from '../state/lock.js';
import { reopenCgroup } from '../cgroups/index.js';
import { rootlessResources } from '../cgroups/rootless.js';
import { log } from '../log/logger.js';
import { rdtUpdateFromFlags, updateRdt } from '../intelrdt/update.js';
import { resctrlMount } from '../intelrdt/resctrl.js';

function num(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw new BerthError(`update --${flag}: ${JSON.stringify(v)} is not a number`);
  return n;
}

/** A memory size as runc's update takes it: bytes, or a number with k/m/g/t (binary, optional b). */
export function size(v: string | undefined, flag: string): number | undefined {
  if (v === undefined) return undefined;
  const m = /^(-?\d+(?:\.\d+)?)\s*([kmgtp]?)i?b?$/i.exec(v.trim());
  if (!m) throw new BerthError(`update --${flag}: ${JSON.stringify(v)} is not a size (bytes, or e.g. 512m, 1g)`);
  const unit = m[2] ? 1024 ** ('kmgtp'.indexOf(m[2].toLowerCase()) + 1) : 1;
  return Math.trunc(Number(m[1]) * unit);
}

/** runc's update flags → a linux.resources object. */
export function resourcesFromFlags(a: Record<string, any>): any {
  const r: any = {};
  const mem = { limit: size(a.memory, 'memory'), reservation: size(a['memory-reservation'], 'memory-reservation'), swap: size(a['memory-swap'], 'memory-swap') };
  if (Object.values(mem).some((v) => v !== undefined)) r.memory = mem;
  const cpu = {
    shares: num(a['cpu-shares'], 'cpu-shares'),
    quota: num(a['cpu-quota'], 'cpu-quota'),
    period: num(a['cpu-period'], 'cpu-period'),
    burst: num(a['cpu-burst'], 'cpu-burst'),
    realtimePeriod: num(a['cpu-rt-period'], 'cpu-rt-period'),
    realtimeRuntime: num(a['cpu-rt-runtime'], 'cpu-rt-runtime'),
    idle: num(a['cpu-idle'], 'cpu-idle'),
    cpus: a['cpuset-cpus'],
    mems: a['cpuset-mems'],
  };
  if (Object.values(cpu).some((v) => v !== undefined)) r.cpu = cpu;
  const pids = num(a['pids-limit'], 'pids-limit');
  if (pids !== undefined) r.pids = { limit: pids };
  const w = num(a['blkio-weight'], 'blkio-weight');
  if (w !== undefined) r.blockIO = { weight: w };
  return JSON.parse(JSON.stringify(r));
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The stored resources after an update: per section (memory, cpu, ...) the given fields replace the old ones. */
export function mergeResources(old: Record<string, unknown>, update: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...old };
  for (const [k, v] of Object.entries(update ?? {})) out[k] = isObject(v) && isObject(old[k]) ? { ...old[k], ...v } : v;
  return out;
}

/** runc's flags berth cannot act on: kernel memory limits are gone from the kernel (runc ignores them with this warning). */
function checkUnsupportedFlags(a: Record<string, any>): void {
  if (a['kernel-memory'] !== undefined || a['kernel-memory-tcp'] !== undefined) log.warn('Kernel memory settings are ignored and will be removed');
}

/** update: change the resources of a live container (-r FILE|- takes containerd's JSON). */
export default async function update(g: Globals, a: Record<string, any>): Promise<number> {
  checkUnsupportedFlags(a);
  const rdt = rdtUpdateFromFlags(a);
  const store = new Store(g.root);
  let resources: any;
  if (a.resources) {
    try {
      resources = JSON.parse(readFileSync(a.resources === '-' ? 0 : a.resources, 'utf8'));
    } catch (e) {
      throw new BerthError(`update --resources: ${e instanceof SyntaxError ? `invalid JSON: ${e.message}` : describeErrno(e)}`);
    }
  } else {
    resources = resourcesFromFlags(a);
  }
  await withLock(store, a.id, async () => {
    const rec = store.load(a.id);
    // --l3-cache-schema / --mem-bw-schema alone change only resctrl (Intel RDT).
    if (rdt) {
      const { intelRdt, config } = updateRdt(rec, rdt, resctrlMount());
      rec.intelRdt = intelRdt;
      rec.config = config;
      if (Object.keys(resources).length === 0) {
        store.save(rec);
        return;
      }
    }
    if (!rec.cgroup) throw new BerthError(`update ${a.id}: the container has no cgroup of its own (rootless, cgroup not delegated): cannot set limits`);
    const cg = reopenCgroup(rec.cgroup);
    cg.skipDevices = g.rootlessCgroups;
    cg.update(g.rootlessCgroups ? rootlessResources(resources) : resources);
    rec.config.linux = { ...(rec.config.linux ?? {}), resources: mergeResources(rec.config.linux?.resources ?? {}, resources) };
    store.save(rec);
  });
  return 0;
}
