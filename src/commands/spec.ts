import { existsSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BerthError, describeErrno } from '../errors.js';
import type { Globals } from '../cli/globals.js';
import { defaultConfig } from '../spec/default-config.js';
import { detectLayout } from '../cgroups/layout.js';

/** spec: write a default config.json into the bundle dir, refusing to overwrite one (runc). */
export default function spec(_g: Globals, a: Record<string, any>): number {
  const file = join(resolve(a.bundle ?? '.'), 'config.json');
  if (existsSync(file)) throw new BerthError(`File ${file} exists. Remove it first`);
  const config = defaultConfig({
    rootless: a['spec-rootless'] === true,
    uid: process.getuid?.(),
    gid: process.getgid?.(),
    // As runc: a cgroup namespace only where the host's hierarchy is unified (cgroup v2).
    cgroupNamespace: detectLayout() === 'unified',
  });
  try {
    writeFileSync(file, JSON.stringify(config, null, '\t') + '\n', { mode: 0o666 });
  } catch (e) {
    throw new BerthError(`spec: ${describeErrno(e)}`);
  }
  return 0;
}
