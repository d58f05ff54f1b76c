/**
 * Rootless cgroups (`--rootless`, runc's rule): a runtime that is not root may find the cgroup
 * tree not delegated to it. Then, when the config neither names a cgroupsPath nor sets a limit,
 * the container goes without a cgroup of its own (one warning); otherwise the error stays, and
 * says which field needs the cgroup. Limits of the devices controller alone do not count: a
 * rootless runtime cannot apply them (runc skips them too), and the container's devices are
 * nodes bound from the host that its user could open anyway.
 */
import { CgroupError } from './errors.js';
import type { Cgroup, LinuxResources } from './types.js';

/** A cgroup failure that means "not delegated to this user" (runc: EPERM, EACCES, EROFS). */
export function notDelegated(e: unknown): boolean {
  return e instanceof CgroupError && ['EACCES', 'EPERM', 'EROFS'].includes(e.code ?? '');
}

/** The first limit a config sets beyond devices, as its JSON path; undefined when none. Pure. */
export function limitField(resources: LinuxResources | undefined): string | undefined {
  if (!resources || typeof resources !== 'object') return undefined;
  for (const [k, v] of Object.entries(resources)) {
    if (k === 'devices' || v === undefined || v === null) continue;
    if (typeof v === 'object' && Object.keys(v).length === 0) continue;
    return `/linux/resources/${k}`;
  }
  return undefined;
}

/**
 * The resources a rootless runtime applies: without the device rules (the v2 device program
 * needs CAP_BPF/CAP_SYS_ADMIN of the host, the v1 devices controller is never delegated); runc
 * ignores them there too. Pure.
 */
export function rootlessResources<T>(resources: T): T {
  if (!resources || typeof resources !== 'object' || !('devices' in resources)) return resources;
  const { devices: _devices, ...rest } = resources as Record<string, unknown>;
  return rest as T;
}

export interface RootlessChoice {
  rootless: boolean;
  cgroupsPath?: string;
  /** What the cgroup is made with. */
  resources?: LinuxResources;
  /** Every limit the config asks for, when some are set later (pids.max once the init is up). */
  requested?: LinuxResources;
}

/**
 * Rootless and not delegated (msg says what failed): an error naming the field when the config
 * needs the cgroup (a cgroupsPath, a limit), else the warning to give before going without one.
 */
export function withoutCgroup(o: RootlessChoice, msg: string, code: string | undefined): string {
  if (o.cgroupsPath) throw new CgroupError(`config.json: /linux/cgroupsPath: ${msg} (rootless: the cgroup tree is not delegated to uid ${process.geteuid?.()})`, code);
  const limit = limitField(o.requested ?? o.resources);
  if (limit) throw new CgroupError(`config.json: ${limit}: cannot set the limit: the container could not make its cgroup (rootless, not delegated: ${msg})`, code);
  return `rootless: the container runs without a cgroup of its own (${msg}); pause, resume and limits need a delegated cgroup`;
}

/**
 * cgroup.create(resources), or, rootless and not delegated, false with a warning when the
 * container may go without (see above). True when the cgroup was made.
 */
export function createOrSkip(cgroup: Cgroup, o: RootlessChoice, warn: (msg: string) => void): boolean {
  try {
    cgroup.skipDevices = o.rootless;
    cgroup.create(o.rootless ? rootlessResources(o.resources) : o.resources);
    return true;
  } catch (e) {
    if (!o.rootless || !notDelegated(e)) throw e;
    warn(withoutCgroup(o, (e as CgroupError).message, (e as CgroupError).code));
    return false;
  }
}

/**
 * What create would find not delegated, without trying (the dry run): the first of the
 * container's dirs this process may not join (its cgroup.procs not writable) or, not there yet,
 * not make (its nearest existing parent not writable), as the operation create's error names
 * ("mkdir DIR"); undefined when all look usable.
 */
export function undelegatedStep(dirs: string[], canWrite: (path: string) => boolean, exists: (path: string) => boolean): string | undefined {
  for (const dir of dirs) {
    if (exists(dir)) {
      if (!canWrite(`${dir}/cgroup.procs`)) return `write ${dir}/cgroup.procs`;
      continue;
    }
    let parent = dir;
    do parent = parent.slice(0, parent.lastIndexOf('/')) || '/';
    while (parent !== '/' && !exists(parent));
    if (!canWrite(parent)) return `mkdir ${dir}`;
  }
  return undefined;
}
