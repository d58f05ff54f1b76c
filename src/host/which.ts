import { accessSync, constants, statSync } from 'node:fs';
import { join } from 'node:path';

/** The first executable regular file named `name` in PATH (or `path`), or null. */
export function which(name: string, path = process.env.PATH ?? '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'): string | null {
  for (const dir of path.split(':').filter(Boolean)) {
    const f = join(dir, name);
    try {
      if (statSync(f).isFile()) {
        accessSync(f, constants.X_OK);
        return f;
      }
    } catch {
      // not here
    }
  }
  return null;
}
