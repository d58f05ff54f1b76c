import { statSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import type { Report } from './findings.js';

/**
 * config.md "Root": REQUIRED on Linux; root.path is absolute or relative to the bundle, and a
 * directory MUST exist there (checked when the bundle directory is known).
 */
export function checkRoot(c: any, r: Report, bundleDir?: string): void {
  if (c.root === undefined) {
    r.error('/root', 'is required on Linux');
    return;
  }
  if (bundleDir === undefined) return;
  const rootfs = isAbsolute(c.root.path) ? c.root.path : join(bundleDir, c.root.path);
  let isDir: boolean;
  try {
    isDir = statSync(rootfs).isDirectory();
  } catch {
    r.error('/root/path', `root filesystem ${rootfs} does not exist`);
    return;
  }
  if (!isDir) r.error('/root/path', `root filesystem ${rootfs} is not a directory`);
}
