import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CgroupRecord } from './types.js';

/**
 * Whether the container's cgroup is frozen (paused), from its record alone: v1 freezer.state
 * FROZEN, v2 cgroup.freeze 1. `state` and `list` ask this of every container, so it needs no
 * cgroup manager; a freezer that cannot be read is not frozen.
 */
export function isFrozenRecord(rec: CgroupRecord): boolean {
  const unified = rec.layout === 'unified';
  const dir = unified ? rec.paths[''] : rec.paths.freezer;
  if (!dir) return false;
  try {
    const text = readFileSync(join(dir, unified ? 'cgroup.freeze' : 'freezer.state'), 'utf8').trim();
    return unified ? text === '1' : text === 'FROZEN';
  } catch {
    return false;
  }
}
