import { BerthError } from '../errors.js';
import type { ContainerRecord } from '../state/record.js';
import { applyRdt, checkResources, noResctrl, planRdt, writeSchemata } from './group.js';

/** runc's `update --l3-cache-schema` / `--mem-bw-schema`, checked before anything changes. */
export interface RdtUpdate {
  l3CacheSchema?: string;
  memBwSchema?: string;
}

/** The flags' values, checked as config-linux.md checks the fields; undefined when neither is given. */
export function rdtUpdateFromFlags(a: Record<string, any>): RdtUpdate | undefined {
  const l3 = a['l3-cache-schema'];
  const mb = a['mem-bw-schema'];
  if (l3 === undefined && mb === undefined) return undefined;
  for (const [flag, v] of [['l3-cache-schema', l3], ['mem-bw-schema', mb]] as const) {
    if (v !== undefined && (typeof v !== 'string' || v.includes('\n'))) throw new BerthError(`update --${flag}: must be one schemata line`);
  }
  if (mb !== undefined && !String(mb).startsWith('MB:')) throw new BerthError(`update --mem-bw-schema: must start with "MB:" (${JSON.stringify(mb)})`);
  return { ...(l3 !== undefined ? { l3CacheSchema: l3 } : {}), ...(mb !== undefined ? { memBwSchema: mb } : {}) };
}

/**
 * Apply the schemata to a live container, against the resctrl mount `root` (undefined: none, an
 * error naming the flag). A container created without intelRdt gets a group of its own first,
 * its init joined (runc does the same); a group it only joined (an existing closID) is shared
 * and never rewritten. Returns the record and config to save.
 */
export function updateRdt(rec: ContainerRecord, u: RdtUpdate, root: string | undefined): Pick<ContainerRecord, 'intelRdt' | 'config'> {
  const flag = u.l3CacheSchema !== undefined ? '--l3-cache-schema' : '--mem-bw-schema';
  const what = `update ${rec.id}: ${flag}`;
  if (root === undefined) throw noResctrl(`update ${rec.id}`, flag);
  const lines = [
    ...(u.l3CacheSchema ? [{ line: u.l3CacheSchema, at: '--l3-cache-schema' }] : []),
    ...(u.memBwSchema ? [{ line: u.memBwSchema, at: '--mem-bw-schema' }] : []),
  ];
  checkResources(root, lines, `update ${rec.id}`);
  const shared = (dir: string) => new BerthError(`${what}: the container's CLOS group ${dir} is shared (it existed before the container): it is never rewritten`);
  let group = rec.intelRdt;
  if (!group) {
    const plan = planRdt({}, rec.id, root, `update ${rec.id}`);
    if (plan.exists) throw shared(plan.dir);
    group = applyRdt(plan, rec.pid);
  }
  if (!group.made) throw shared(group.dir);
  writeSchemata(root, group.dir, lines.map((l) => l.line));
  const linux = rec.config.linux ?? {};
  return { intelRdt: group, config: { ...rec.config, linux: { ...linux, intelRdt: { ...(linux.intelRdt ?? {}), ...u } } } };
}
