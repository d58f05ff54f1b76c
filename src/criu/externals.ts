import { isAbsolute, join } from 'node:path';
import { BerthError } from '../errors.js';

/**
 * What of a container lies outside it, for CRIU: the bind mounts whose source is a host path
 * (CRIU must not dump their contents; the restore binds the source again), and the namespaces
 * the config joins by path. Pure: paths and inode numbers come in, CRIU's argument strings go
 * out.
 */

/** A bind mount of a host path: the key CRIU knows it by (its destination) and the source. */
export interface ExternalMount {
  destination: string;
  source: string;
}

function isBind(m: any): boolean {
  return m.type === 'bind' || (m.options ?? []).some((o: string) => o === 'bind' || o === 'rbind');
}

/** The config's bind mounts (sources relative to the bundle made absolute). */
export function externalMounts(config: any, bundleDir: string): ExternalMount[] {
  return (config.mounts ?? [])
    .filter(isBind)
    .map((m: any) => ({ destination: m.destination, source: isAbsolute(m.source ?? '') ? m.source : join(bundleDir, m.source ?? '') }));
}

/** Dump: each bind mount is external, named by its destination. */
export function dumpMountArgs(mounts: ExternalMount[]): string[] {
  return mounts.flatMap((m) => ['--external', `mnt[${m.destination}]:${m.destination}`]);
}

/** The key runc uses for a network namespace the container joined (CRIU's --external net[INODE]:KEY). */
export const EXT_NETNS_KEY = 'extRootNetNS';

/**
 * The namespaces given by path. A joined network namespace is external (dumped by its inode,
 * given back at restore as an inherited fd); joining a pid or user namespace is refused: CRIU
 * would have to restore into it, which this runtime does not drive.
 */
export function joinedNetns(config: any): string | undefined {
  let netns: string | undefined;
  for (const [i, ns] of (config.linux?.namespaces ?? []).entries()) {
    if (!ns.path) continue;
    if (ns.type === 'network') netns = ns.path;
    else if (ns.type === 'pid' || ns.type === 'user') {
      throw new BerthError(`config.json: /linux/namespaces/${i}: checkpoint/restore of a container that joins a ${ns.type} namespace is not supported`);
    }
  }
  return netns;
}

export function dumpNetnsArgs(inode: number | undefined): string[] {
  return inode === undefined ? [] : ['--external', `net[${inode}]:${EXT_NETNS_KEY}`];
}
