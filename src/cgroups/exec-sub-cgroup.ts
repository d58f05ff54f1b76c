/**
 * `exec --cgroup`: the exec'd process joins an existing sub-cgroup of the container's cgroup
 * instead of the container's own (runc's flag). Forms: `PATH` alone (the same sub-path in every
 * hierarchy; on cgroup v2 the only form) or `CTRL[,CTRL...]:PATH`, repeatable, per v1 controller.
 * A path that leaves the container's cgroup (`..`) is refused. Pure.
 */
import { posix } from 'node:path';
import { BerthError } from '../errors.js';
import type { CgroupRecord } from './types.js';

/** The --cgroup values as a map controller → sub-path ("" = every hierarchy). */
export function parseSubCgroups(values: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const v of values) {
    const parts = v.split(':');
    if (parts.length > 2) throw new BerthError(`exec --cgroup ${v}: must be [CONTROLLER[,CONTROLLER]:]PATH`);
    if (parts.length === 1) {
      if (values.length !== 1) throw new BerthError(`exec --cgroup ${v}: a path without CONTROLLER: must be the only --cgroup`);
      out.set('', v);
    } else {
      for (const ctrl of parts[0]!.split(',')) out.set(ctrl, parts[1]!);
    }
  }
  return out;
}

function below(dir: string, sub: string, flag: string): string {
  const joined = posix.join(dir, sub);
  // runc's words: engines and runc's own tests match them.
  if (joined !== dir && !joined.startsWith(dir + '/')) throw new BerthError(`exec --cgroup ${flag}: ${sub} is not a sub cgroup path of the container's cgroup`);
  return joined;
}

/** The container's record with the sub-cgroups joined onto its dirs. */
export function withSubCgroups(rec: CgroupRecord, subs: Map<string, string>): CgroupRecord {
  const paths = { ...rec.paths };
  const all = subs.get('');
  if (all !== undefined) {
    for (const k of Object.keys(paths)) paths[k] = below(paths[k]!, all, all);
  } else {
    for (const [ctrl, sub] of subs) {
      const dir = rec.paths[ctrl];
      if (dir === undefined) throw new BerthError(`exec --cgroup ${ctrl}:${sub}: unknown controller ${ctrl} (the container's: ${Object.keys(rec.paths).filter(Boolean).join(', ') || 'unified'})`);
      // v1 hierarchies mounted together (cpu,cpuacct) are one dir under several names: all move.
      for (const k of Object.keys(paths)) if (rec.paths[k] === dir) paths[k] = below(dir, sub, `${ctrl}:${sub}`);
    }
  }
  return { ...rec, paths };
}
