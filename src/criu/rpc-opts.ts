import { BerthError } from '../errors.js';
import { EXT_NETNS_KEY, type ExternalMount } from './externals.js';
import { CG_MODE, type RpcRestoreOpts } from './rpc-proto.js';

/**
 * restore's flags as criu_opts for `criu swrk` (runc's restore flags under CRIU's names, as
 * dump's are in argv.ts), the image dir as an fd (CRIU opens it through /proc/<berth>/fd/N), the work dir in a
 * config file (configFile: CRIU chdirs there and mounts its cgroup yard under it, which must be
 * a path of criu's own mount namespace, not a dir of berth's reached through /proc), the
 * restored task berth's child (rst_sibling), notifications on (notify_scripts) and the console
 * handed back (orphan_pts_master), as runc asks for them. Pure.
 */

const CLONE_NEWNET = 0x40000000;

/** runc's restore flags, parsed (commands/restore.ts), and what berth opened for criu. */
export interface RpcRestoreInput {
  logFile: string;
  /** Where the rootfs is bound in criu's mount namespace. */
  root: string;
  tcpEstablished: boolean;
  extUnixSk: boolean;
  shellJob: boolean;
  fileLocks: boolean;
  manageCgroupsMode?: string;
  emptyNs: string[];
  autoDedup: boolean;
  lsmProfile?: string;
  lsmMountContext?: string;
  /** The new container's cgroup for each controller ("" key: all, v2). */
  cgroupRoots: { controller: string; path: string }[];
  imagesDirFd: number;
  /** The CRIU config file that names the work dir (rpcConfigText). */
  configFile: string;
  mounts: ExternalMount[];
  /** criu's fd number of the joined network namespace. */
  netnsFd?: number;
  /** The init's fds 0-2 at dump (the record's descriptors). */
  descriptors: string[];
}

export function rpcRestoreOpts(o: RpcRestoreInput): RpcRestoreOpts {
  return {
    imagesDirFd: o.imagesDirFd,
    configFile: o.configFile,
    logLevel: 4,
    logFile: o.logFile,
    root: o.root,
    rstSibling: true,
    notifyScripts: true,
    orphanPtsMaster: true,
    ...(o.shellJob ? { shellJob: true } : {}),
    ...(o.extUnixSk ? { extUnixSk: true } : {}),
    ...(o.tcpEstablished ? { tcpEstablished: true } : {}),
    ...(o.fileLocks ? { fileLocks: true } : {}),
    ...(o.autoDedup ? { autoDedup: true } : {}),
    ...(o.manageCgroupsMode ? { manageCgroupsMode: CG_MODE[o.manageCgroupsMode] } : {}),
    ...(o.emptyNs.includes('net') ? { emptyNs: CLONE_NEWNET } : {}),
    ...(o.lsmProfile ? { lsmProfile: o.lsmProfile } : {}),
    ...(o.lsmMountContext ? { lsmMountContext: o.lsmMountContext } : {}),
    cgRoots: o.cgroupRoots.map((c) => ({ ctrl: c.controller, path: c.path })),
    external: o.mounts.map((m) => `mnt[${m.destination}]:${m.source}`),
    inheritFds: [
      ...(o.netnsFd === undefined ? [] : [{ key: EXT_NETNS_KEY, fd: o.netnsFd }]),
      // Pipes at dump (their peers were outside): restore's own fds 0-2, which criu inherits (runc does the same with its descriptors.json).
      ...o.descriptors.flatMap((d, fd) => (/^pipe:\[\d+\]$/.test(d) ? [{ key: d, fd }] : [])),
    ],
  };
}

/** The RPC config file's text: the work dir (CRIU's config syntax: an option a line, no dashes). */
export function rpcConfigText(workDir: string): string {
  if (/[\s"'\\#]/.test(workDir)) throw new BerthError(`--work-path ${workDir}: restore needs a path without spaces, quotes, backslashes or '#' (it goes into CRIU's config file)`);
  return `work-dir ${workDir}\n`;
}
