import { existsSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { pointer } from './render.js';

export interface SemanticOptions {
  file: string;
  bundleDir?: string;
  knownCaps?: ReadonlySet<string>;
  /** create/run need a process (runtime.md: `start` runs it); schema fixtures do not. */
  requireProcess?: boolean;
}

export interface Findings {
  errors: string[];
  warnings: string[];
}

/** SemVer 2.0.0 (semver.org's regular expression). */
const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

/** The major version of the runtime spec berth implements. */
export const SUPPORTED_MAJOR = 1;

/**
 * What the schema cannot say, following the spec's MUST/SHOULD words (config.md,
 * config-linux.md). Runs on a document the schema accepted.
 */
export function semanticChecks(c: any, o: SemanticOptions): Findings {
  const errors: string[] = [];
  const warnings: string[] = [];
  const err = (path: string, msg: string) => errors.push(`${o.file}: ${path}: ${msg}`);
  const warn = (path: string, msg: string) => warnings.push(`${o.file}: ${path}: ${msg}`);

  const m = SEMVER.exec(c.ociVersion);
  if (!m) err('/ociVersion', `${JSON.stringify(c.ociVersion)} is not a SemVer 2.0.0 version`);
  else if (Number(m[1]) !== SUPPORTED_MAJOR) err('/ociVersion', `version ${c.ociVersion} is not supported: berth implements runtime-spec ${SUPPORTED_MAJOR}.x`);

  if (o.bundleDir && c.root?.path !== undefined) {
    const rootfs = isAbsolute(c.root.path) ? c.root.path : join(o.bundleDir, c.root.path);
    if (!existsSync(rootfs)) err('/root/path', `root filesystem ${rootfs} does not exist`);
  }

  (c.mounts ?? []).forEach((mnt: any, i: number) => {
    if (!mnt.destination.startsWith('/')) {
      warn(pointer('mounts', i, 'destination'), `relative destination ${JSON.stringify(mnt.destination)} is deprecated; taken as relative to "/"`);
    }
  });

  const p = c.process;
  if (p === undefined) {
    if (o.requireProcess) err('/process', 'is required to create a container');
  } else {
    if (!p.cwd.startsWith('/')) err('/process/cwd', `must be an absolute path, not ${JSON.stringify(p.cwd)}`);
    if (o.requireProcess && (!p.args || p.args.length === 0)) err('/process/args', 'must name the program to run');
    const seen = new Map<string, number>();
    (p.rlimits ?? []).forEach((r: any, i: number) => {
      if (seen.has(r.type)) err(pointer('process', 'rlimits', i, 'type'), `duplicate rlimit ${r.type} (also at /process/rlimits/${seen.get(r.type)})`);
      seen.set(r.type, i);
    });
    if (o.knownCaps) {
      for (const set of ['bounding', 'effective', 'inheritable', 'permitted', 'ambient']) {
        (p.capabilities?.[set] ?? []).forEach((cap: string, i: number) => {
          if (!o.knownCaps!.has(cap)) warn(pointer('process', 'capabilities', set, i), `${cap} is not known to this kernel; ignored`);
        });
      }
    }
  }

  const linux = c.linux;
  if (linux) {
    const types = new Map<string, number>();
    (linux.namespaces ?? []).forEach((ns: any, i: number) => {
      if (types.has(ns.type)) err(pointer('linux', 'namespaces', i, 'type'), `duplicate namespace ${ns.type} (also at /linux/namespaces/${types.get(ns.type)})`);
      types.set(ns.type, i);
      if (ns.path !== undefined && !ns.path.startsWith('/')) err(pointer('linux', 'namespaces', i, 'path'), 'must be an absolute path');
    });
    const userNs = (linux.namespaces ?? []).find((n: any) => n.type === 'user');
    const hasMaps = (linux.uidMappings?.length ?? 0) > 0 || (linux.gidMappings?.length ?? 0) > 0;
    if (userNs && !userNs.path && (!(linux.uidMappings?.length > 0) || !(linux.gidMappings?.length > 0))) {
      err('/linux/uidMappings', 'a new user namespace needs uidMappings and gidMappings');
    }
    if (hasMaps && (!userNs || userNs.path)) err('/linux/uidMappings', 'id mappings need a new user namespace in /linux/namespaces');
    if (linux.timeOffsets && Object.keys(linux.timeOffsets).length > 0) {
      const timeNs = (linux.namespaces ?? []).find((n: any) => n.type === 'time');
      if (!timeNs || timeNs.path) err('/linux/timeOffsets', 'time offsets need a new time namespace in /linux/namespaces');
    }
    if (linux.cgroupsPath !== undefined && /(^|\/)\.\.(\/|$)/.test(linux.cgroupsPath)) {
      err('/linux/cgroupsPath', 'must not contain ".."');
    }
  }
  return { errors, warnings };
}
