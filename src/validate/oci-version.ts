import type { Report } from './findings.js';
import { parseSemver } from './semver.js';

/** The major version of the runtime spec berth implements (it reads 1.0 to 1.3 configs). */
export const SUPPORTED_MAJOR = 1;

/** config.md: ociVersion MUST be SemVer 2.0.0; berth supports the 1.x line (same-major compatibility). */
export function checkOciVersion(v: string, r: Report, path = '/ociVersion'): void {
  const s = parseSemver(v);
  if (!s) r.error(path, `${JSON.stringify(v)} is not a SemVer 2.0.0 version`);
  else if (s.major !== SUPPORTED_MAJOR) r.error(path, `version ${v} is not supported: berth supports runtime-spec ${SUPPORTED_MAJOR}.x`);
}
