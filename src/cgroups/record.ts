import { CgroupError } from './errors.js';
import type { CgroupLayout, CgroupRecord } from './types.js';

const LAYOUTS: CgroupLayout[] = ['unified', 'hybrid', 'legacy'];

/** A cgroup record read back from state.json, checked before anything acts on its paths. */
export function checkCgroupRecord(record: CgroupRecord): CgroupRecord {
  const ok =
    typeof record === 'object' && record !== null && LAYOUTS.includes(record.layout) &&
    typeof record.paths === 'object' && record.paths !== null &&
    Object.values(record.paths).every((p) => typeof p === 'string' && p.startsWith('/')) &&
    Array.isArray(record.created) && record.created.every((p) => typeof p === 'string' && p.startsWith('/')) &&
    (record.systemdUnit === undefined || (typeof record.systemdUnit === 'string' && /^[^/]+\.scope$/.test(record.systemdUnit)));
  if (!ok) throw new CgroupError('state.json: invalid cgroup record');
  return record;
}

/** The container's own dirs, one per hierarchy (v1 controllers may share a dir). */
export function recordDirs(record: CgroupRecord): string[] {
  return [...new Set(Object.values(record.paths))];
}
