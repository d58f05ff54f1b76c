import { posix } from 'node:path';
import { BerthError } from '../errors.js';
import { fsTypesUnder } from '../host/fs-type.js';
import { parseMountOptions } from './mount-options.js';
import type { PlanOp } from './ops.js';

/** How one config mount is idmapped (runc 1.2's semantics). */
export interface MountIdmap {
  /** The detached tree's slot: its ordinal among the config's idmapped mounts. */
  slot: number;
  /** "ridmap": the id mapping applies to every mount of the tree, not only its top. */
  recursive: boolean;
  /** uid_map / gid_map lines ("inside outside count") of a user namespace made for the mount. */
  uidMap: string;
  gidMap: string;
  /** Or the user namespace to take the mapping from (the container's, joined by path). */
  usernsPath: string;
}

const EINVAL = 22;
const EOPNOTSUPP = 95;

function mapLines(maps: any[] | undefined): string {
  return (maps ?? []).map((m) => `${m.containerID} ${m.hostID} ${m.size}\n`).join('');
}

/**
 * The idmapped mounts of a config, by index in config.mounts. A mount is idmapped when it has
 * uidMappings/gidMappings (with or without an "idmap" option) or an "idmap"/"ridmap" option;
 * without mappings of its own it takes the container's user namespace: its maps when the
 * namespace is new, its path when it is joined. The last of "idmap"/"ridmap" decides recursion.
 */
export function mountIdmaps(config: any): Map<number, MountIdmap> {
  const linux = config.linux ?? {};
  const out = new Map<number, MountIdmap>();
  (config.mounts ?? []).forEach((m: any, i: number) => {
    const opts: string[] = m.options ?? [];
    const last = opts.filter((o) => o === 'idmap' || o === 'ridmap').pop();
    const own = m.uidMappings !== undefined || m.gidMappings !== undefined;
    if (last === undefined && !own) return;
    const entry = { slot: out.size, recursive: last === 'ridmap' };
    if (own) {
      out.set(i, { ...entry, uidMap: mapLines(m.uidMappings), gidMap: mapLines(m.gidMappings), usernsPath: '' });
      return;
    }
    const userns = (linux.namespaces ?? []).find((n: any) => n?.type === 'user');
    if (!userns) throw new BerthError(`config.json: /mounts/${i}/options: ${last} needs uidMappings and gidMappings on the mount or a user namespace`);
    if (userns.path) out.set(i, { ...entry, uidMap: '', gidMap: '', usernsPath: userns.path });
    else out.set(i, { ...entry, uidMap: mapLines(linux.uidMappings), gidMap: mapLines(linux.gidMappings), usernsPath: '' });
  });
  return out;
}

/** A bind source as the init opens it: relative to the bundle when relative. */
export function bindSource(m: any, bundle: string): string {
  const source: string = m.source ?? '';
  return source && !posix.isAbsolute(source) ? posix.join(bundle, source) : source;
}

/**
 * Stage A's ops: one detached idmapped tree per idmapped mount, made before any namespace is
 * joined or created (the kernel wants CAP_SYS_ADMIN over the source's filesystem, i.e. the
 * host's user namespace); stage B attaches each with MOVE_MOUNT_IN_ROOT in config order.
 * A filesystem that cannot be idmapped (mount_setattr EINVAL/EOPNOTSUPP) is named in the error.
 */
export function idmapTreeOps(
  rootfs: string,
  bundle: string,
  config: any,
  fsTypes: (path: string) => string[] = fsTypesUnder,
): PlanOp[] {
  const ops: PlanOp[] = [];
  for (const [i, idm] of mountIdmaps(config)) {
    const m = config.mounts[i];
    const source = bindSource(m, bundle);
    const dest = posix.normalize('/' + m.destination).replace(/(.)\/+$/, '$1');
    const o = parseMountOptions(m.options);
    ops.push({
      op: 'IDMAP_TREE',
      args: [String(idm.slot), rootfs, source, o.recursive ? '1' : '0', idm.recursive ? '1' : '0', idm.uidMap, idm.gidMap, idm.usernsPath],
      what: `make an idmapped mount of ${source} for ${dest}`,
      explain(syscall, errno) {
        if (syscall !== 'mount_setattr' || (errno !== EINVAL && errno !== EOPNOTSUPP)) return undefined;
        const why = `(mount_setattr: ${errno === EINVAL ? 'EINVAL' : 'EOPNOTSUPP'})`;
        // A recursive mapping of an rbind reaches the submounts: any of their filesystems may be the one.
        const types = fsTypes(source).slice(0, o.recursive && idm.recursive ? undefined : 1);
        if (types.length > 1) return `config.json: /mounts/${i}: ${dest}: the filesystems at ${source} and below it (${types.join(', ')}) cannot all be idmapped ${why}`;
        return `config.json: /mounts/${i}: ${dest}: the ${types[0] ?? 'unknown'} filesystem at ${source} cannot be idmapped ${why}`;
      },
    });
  }
  return ops;
}
