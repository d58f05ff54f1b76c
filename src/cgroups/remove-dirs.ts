/**
 * Removing a container's cgroup dirs (Cgroup.destroy): rmdir of every dir create() made, deepest
 * first, and before them the sub-cgroups the container made inside its own dirs (a nested
 * runtime or systemd in it), as runc's RemovePath does. EBUSY is retried for about a second while
 * the last processes exit; ENOENT is fine (safe to repeat). A parent made for this container that
 * now holds another container's cgroup (same relative parent, made after ours) is left to it.
 * Never touches a dir outside what was made and what lies inside the container's own dirs.
 */
import { readdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { errnoCode } from '../errors.js';
import { CgroupError, errnoText } from './errors.js';
import { sleepMs } from '../sleep.js';

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

/** created: the dirs create() made (record.created); containerDirs: the container's own dirs. */
export function removeCgroupDirs(created: readonly string[], containerDirs: readonly string[]): void {
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
        failed.push(`${dir}: ${errnoText(e)}`);
        break;
      }
    }
  }
  if (failed.length) throw new CgroupError(`cgroup: cannot remove ${failed.join('; ')}`);
}
