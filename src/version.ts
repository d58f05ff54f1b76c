import { readFileSync } from 'node:fs';
import { distFile } from './dist-path.js';

/** The runtime-spec version berth implements and reports in state and features. */
export const SPEC_VERSION = '1.3.0';
export const BERTH_VERSION = '0.1.0';

/** Set by the bundlers (`define`, scripts/build.mjs): the commit the build was made from. */
declare const BERTH_COMMIT: string | undefined;

/** Build facts: compiled into the bundles; read from dist/build-info.json by tsc's output. */
export function buildInfo(): { commit: string } {
  if (typeof BERTH_COMMIT === 'string') return { commit: BERTH_COMMIT };
  try {
    return JSON.parse(readFileSync(distFile('build-info.json'), 'utf8'));
  } catch {
    return { commit: 'unknown' };
  }
}

export function versionText(): string {
  return `berth version ${BERTH_VERSION}\ncommit: ${buildInfo().commit}\nspec: ${SPEC_VERSION}\n${runtimeVersion()}\n`;
}

/** The JavaScript engine berth runs on, as runc names its Go version. */
function runtimeVersion(): string {
  const bun = (process.versions as Record<string, string | undefined>).bun;
  return bun ? `bun: ${bun}` : `node: ${process.versions.node}`;
}
