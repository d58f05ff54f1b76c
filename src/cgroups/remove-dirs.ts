/**
 * Removing a container's cgroup dirs (Cgroup.destroy): rmdir of every dir create() made, deepest
 * first, and before them the sub-cgroups the container made inside its own dirs (a nested
 * runtime or systemd in it), as runc's RemovePath does. EBUSY is retried for about a second while
 * the last processes exit; ENOENT is fine (safe to repeat). A parent made for this container that
 * now holds another container's cgroup (same relative parent, made after ours) is left to it.
 * A cgroup several containers share (the later ones joined a non-empty one, with runc's
 * warning) goes with the last of them, whoever made it, as runc removes a container's cgroup at
 * every delete: the container's own dirs that still hold another's processes are left (with a
 * warning), and its own dirs it did not make are removed when empty. Never touches a dir outside
 * what was made and the container's own dirs.
 */
import { readFileSync, readdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { errnoCode } from '../errors.js';
import { CgroupError, errnoText } from './errors.js';
import { sleepMs } from '../sleep.js';
import { log } from '../log/logger.js';

/** Processes in a cgroup dir (0 when it cannot be read). */
function processCount(dir: string): number {
  try {
    return readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).length;
  } catch {
    return 0;
  }
}

function hasChildDirs(dir: string): boolean {
  try {
    return readdirSync(dir, { withFileTypes: true }).some((e) => e.isDirectory());
  } catch {
    return false;
  }
}

/** Every cgroup dir below dir (not dir itself). */
function subDirs(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries.filter((e) => e.isDirectory()).flatMap((e) => [join(dir, e.name), ...subDirs(join(dir, e.name))]);
}

const depth = (p: string) => p.split('/').length;

/**
 * created: the dirs create() made (record.created); containerDirs: the container's own dirs.
 * ownDirsToo (delete, not create's cleanup after a failure): the container's own dirs someone
 * else made go too once empty.
 */
export function removeCgroupDirs(created: readonly string[], containerDirs: readonly string[], opts: { ownDirsToo?: boolean } = {}): void {
  const leaves = new Set(containerDirs);
  const made = [...new Set(created)];
  const inner = made.filter((d) => leaves.has(d)).flatMap(subDirs);
  const dirs = [...new Set([...inner, ...made])].sort((a, b) => depth(b) - depth(a));
  const deadline = Date.now() + 1000;
  const failed: string[] = [];
  for (const dir of dirs) {
    for (;;) {
      try {
        rmdirSync(dir);
        break;
      } catch (e) {
        const code = errnoCode(e);
        if (code === 'ENOENT') break;
        if ((code === 'EBUSY' || code === 'ENOTEMPTY') && !leaves.has(dir) && hasChildDirs(dir)) break;
        if (code === 'EBUSY' && Date.now() < deadline) {
          sleepMs(10);
          continue;
        }
        const left = code === 'EBUSY' && leaves.has(dir) ? processCount(dir) : 0;
        if (left > 0) log.warn(`cgroup ${dir} still holds ${left} process(es) of another container sharing it: left to that one`);
        else failed.push(`${dir}: ${errnoText(e)}`);
        break;
      }
    }
  }
  // At delete, the container's own dirs someone else made (a shared cgroup, an engine's): removed
  // once empty; in use (EBUSY, ENOTEMPTY) or gone, left as they are. A failed create leaves a
  // cgroup it found as it was (runc's cgroups.bats: a pre-existing frozen one stays refused).
  for (const dir of opts.ownDirsToo ? [...leaves].filter((d) => !made.includes(d)).sort((a, b) => depth(b) - depth(a)) : []) {
    try {
      rmdirSync(dir);
    } catch {
      // still used by another container, or already removed
    }
  }
  if (failed.length) throw new CgroupError(`cgroup: cannot remove ${failed.join('; ')}`);
}
