import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';

/** Whether this process may access `path` as `mode` (constants.X_OK, W_OK, ...): access(2). */
export function canAccess(path: string, mode: number): boolean {
  try {
    accessSync(path, mode);
    return true;
  } catch {
    return false;
  }
}

/** The first executable regular file named `name` in PATH (or `path`), or null. */
export function which(name: string, path = process.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'): string | null {
  for (const dir of path.split(':').filter(Boolean)) {
    const f = join(dir, name);
    try {
      if (statSync(f).isFile() && canAccess(f, constants.X_OK)) return f;
    } catch {
      // not here
    }
  }
  return null;
}
