import { Report, type Findings } from './findings.js';
import { pointer } from './pointer.js';
import { schemaErrors } from './schema.js';
import { compareSemver, parseSemver } from './semver.js';

/** The properties features.md and features-linux.md (runtime-spec 1.3) define. */
const KNOWN: Record<string, readonly string[]> = {
  '': ['ociVersionMin', 'ociVersionMax', 'hooks', 'mountOptions', 'annotations', 'potentiallyUnsafeConfigAnnotations', 'linux'],
  linux: ['namespaces', 'capabilities', 'cgroup', 'seccomp', 'apparmor', 'selinux', 'intelRdt', 'memoryPolicy', 'mountExtensions', 'netDevices'],
  'linux/cgroup': ['v1', 'v2', 'systemd', 'systemdUser', 'rdma'],
  'linux/seccomp': ['enabled', 'actions', 'operators', 'archs', 'knownFlags', 'supportedFlags'],
  'linux/apparmor': ['enabled'],
  'linux/selinux': ['enabled'],
  'linux/intelRdt': ['enabled', 'schemata', 'monitoring'],
  'linux/memoryPolicy': ['modes', 'flags'],
  'linux/mountExtensions': ['idmap'],
  'linux/mountExtensions/idmap': ['enabled'],
  'linux/netDevices': ['enabled'],
};
const SPEC = { major: 1, minor: 3 };

/**
 * The OCI features document (features.md): the schema, then: both versions SemVer (config.json
 * MUST accept them as ociVersion), ociVersionMax not less than ociVersionMin, and no properties
 * the spec does not define (an error for documents of runtime-spec 1.3 or older, a warning for
 * newer ones, whose properties berth cannot know).
 */
export function validateFeatures(doc: unknown, opts: { file?: string } = {}): Findings {
  const file = opts.file ?? 'features.json';
  const errors = schemaErrors('features', doc, file);
  if (errors.length > 0) return { errors, warnings: [] };
  const f = doc as any;
  const r = new Report(file);
  const min = parseSemver(f.ociVersionMin);
  const max = parseSemver(f.ociVersionMax);
  if (!min) r.error('/ociVersionMin', `${JSON.stringify(f.ociVersionMin)} is not a SemVer 2.0.0 version`);
  if (!max) r.error('/ociVersionMax', `${JSON.stringify(f.ociVersionMax)} is not a SemVer 2.0.0 version`);
  if (min && max && compareSemver(max, min) < 0) r.error('/ociVersionMax', `must not be less than ociVersionMin (${f.ociVersionMin})`);
  const newer = max !== undefined && (max.major > SPEC.major || (max.major === SPEC.major && max.minor > SPEC.minor));
  for (const [where, names] of Object.entries(KNOWN)) {
    const segments = where === '' ? [] : where.split('/');
    const obj = segments.reduce<any>((o, k) => (o && typeof o === 'object' ? o[k] : undefined), f);
    if (!obj || typeof obj !== 'object') continue;
    for (const key of Object.keys(obj)) {
      if (names.includes(key)) continue;
      const path = pointer(...segments, key);
      if (newer) r.warn(path, `is not defined in runtime-spec ${SPEC.major}.${SPEC.minor}`);
      else r.error(path, `is not defined in runtime-spec ${SPEC.major}.${SPEC.minor} (features.md: a features document MUST NOT have undefined properties)`);
    }
  }
  return r.findings();
}
