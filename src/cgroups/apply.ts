/**
 * The doing half: carry out planned writes against real cgroup dirs, and the PlanContext that
 * reads real files. Every failure names the spec field:
 * "linux.resources.memory.limit: write memory.limit_in_bytes: invalid argument".
 */
import { closeSync, constants, existsSync, openSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { errnoCode } from '../errors.js';
import { CgroupError, errnoText } from './errors.js';
import type { CgroupRecord, CgroupWrite, PlanContext } from './types.js';

/** One write(2) of the whole value; O_WRONLY without O_CREAT (cgroupfs files cannot be created). */
export function writeControl(path: string, value: string): void {
  const fd = openSync(path, constants.O_WRONLY);
  try {
    writeSync(fd, value);
  } finally {
    closeSync(fd);
  }
}

export function readControl(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

function dirOf(paths: Record<string, string>, w: CgroupWrite): string {
  const dir = paths[w.controller];
  if (dir === undefined) {
    throw new CgroupError(`${w.field}: the ${w.controller || 'cgroup v2'} hierarchy is not available`);
  }
  return dir;
}

function doWrite(paths: Record<string, string>, w: CgroupWrite): void {
  const path = join(dirOf(paths, w), w.file);
  try {
    writeControl(path, w.value);
  } catch (e) {
    if (w.ignoreMissing && errnoCode(e) === 'ENOENT') return;
    throw Object.assign(new CgroupError(`${w.field}: write ${w.file}: ${errnoText(e)}`), { code: errnoCode(e) });
  }
  if (w.check) {
    const msg = w.check(readControl(path) ?? '');
    if (msg) throw new CgroupError(`${w.field}: ${msg}`);
  }
}

/** Writes in order; a write marked deferOnEinval that gets EINVAL is retried once at the end. */
export function applyWrites(paths: Record<string, string>, writes: CgroupWrite[]): void {
  const deferred: CgroupWrite[] = [];
  for (const w of writes) {
    try {
      doWrite(paths, w);
    } catch (e) {
      if (w.deferOnEinval && (e as { code?: string }).code === 'EINVAL') deferred.push(w);
      else throw e;
    }
  }
  for (const w of deferred) doWrite(paths, w);
}

/** The context planners see for a real cgroup. */
export function realContext(record: CgroupRecord, update: boolean): PlanContext {
  const { paths } = record;
  let controllers: Set<string>;
  if (record.layout === 'unified') {
    const text = readControl(join(paths['']!, 'cgroup.controllers')) ?? '';
    controllers = new Set(text.split(/\s+/).filter(Boolean));
  } else {
    controllers = new Set(Object.keys(paths).filter((k) => k !== ''));
  }
  return {
    read: (c, f) => (paths[c] === undefined ? undefined : readControl(join(paths[c]!, f))),
    exists: (c, f) => paths[c] !== undefined && existsSync(join(paths[c]!, f)),
    controllers,
    update,
  };
}
