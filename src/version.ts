import { readFileSync } from 'node:fs';
import { distFile } from './dist-path.js';

/** The runtime-spec version berth implements and reports in state and features. */
export const SPEC_VERSION = '1.3.0';
export const BERTH_VERSION = '0.1.0';

/** Build facts written by scripts/build.mjs into dist/ (commit id). */
export function buildInfo(): { commit: string } {
  try {
    return JSON.parse(readFileSync(distFile('build-info.json'), 'utf8'));
  } catch {
    return { commit: 'unknown' };
  }
}

export function versionText(): string {
  return `berth version ${BERTH_VERSION}\ncommit: ${buildInfo().commit}\nspec: ${SPEC_VERSION}\nnode: ${process.versions.node}\n`;
}
