import { BerthError } from '../errors.js';
import { namespacePlan, rootMapped } from './namespaces.js';
import { afterPivotOps, rootfsOps, switchRootOps } from './rootfs.js';
import { credentialOps, execOps, findExecOp, keyringOp, privilegedProcessOps, seccompBeforeCredentials } from './process.js';
import { hookOps, runHookOps } from './hooks.js';
import { idmapTreeOps, mountIdmaps } from './idmap.js';
import type { PlanOp } from './ops.js';
import type { IdMapHost } from './id-maps.js';
import { sysctlOps } from './sysctls.js';
import { resetAffinityOp } from './cpu-affinity.js';

export interface ContainerPlanInput {
  id: string;
  bundle: string;
  rootfs: string;
  config: any;
  /** Absolute path of the start socket in the state dir. */
  startSocket: string;
  /** cgroup.procs files the init joins before cloning. */
  cgroupProcs: string[];
  /** The container's cgroup (layout and dirs), for mounts of type "cgroup". */
  cgroup?: { layout: string; paths: Record<string, string> };
  consoleSocket?: string;
  noPivot: boolean;
  preserveFds: number;
  /** --no-new-keyring: keep the caller's session keyring instead of a new `_ses.<id>` one. */
  noNewKeyring?: boolean;
  /** The SECCOMP op (src/seccomp/build.ts); none means no filter. */
  seccomp?: PlanOp;
  /** Who berth runs as, for the user namespace's maps (plan/id-maps.ts); absent: root. */
  idHost?: IdMapHost;
  /** berth itself runs in a user namespace (rootless Podman's): mknod is refused there too. */
  inUserns?: boolean;
  /** The host's online NUMA nodes (linux.memoryPolicy's check; absent: not checked). */
  onlineNodes?: readonly number[];
}

/**
 * The whole container: stage A (host side) joins the cgroup and namespaces and clones the init;
 * stage B builds the rootfs, switches root, sets up the process, waits for `start`, execs.
 * Pure: every decision is here, the native init only carries it out.
 */
export function containerPlan(inp: ContainerPlanInput): PlanOp[] {
  const { config } = inp;
  const linux = config.linux ?? {};
  const proc = config.process;
  if (!proc) throw new BerthError('config.json: /process: is required to create a container');
  const ns = namespacePlan(linux, inp.idHost);
  if (ns.setgroupsDenied && (proc.user?.additionalGids ?? []).length > 0) {
    throw new BerthError('config.json: /process/user/additionalGids: not root and with a gid map of only its own gid, berth must deny setgroups in the user namespace (map ranges of /etc/subgid through newgidmap for groups)');
  }
  // A uts namespace of its own, new or joined by path (runc's rule): never the host's.
  const hasUts = (linux.namespaces ?? []).some((n: any) => n?.type === 'uts');
  if (config.hostname !== undefined && config.hostname !== '' && !hasUts) {
    throw new BerthError('config.json: /hostname: setting a hostname needs a uts namespace (new or by path)');
  }

  const a: PlanOp[] = [];
  if (inp.consoleSocket) a.push({ op: 'CONSOLE_CONNECT', args: [inp.consoleSocket], what: `connect to console socket ${inp.consoleSocket}`, from: '--console-socket' });
  a.push({ op: 'START_LISTEN', args: [inp.startSocket], what: `listen on ${inp.startSocket}` });
  for (const f of inp.cgroupProcs) a.push({ op: 'CGROUP_JOIN', args: [f], what: `join cgroup ${f.replace(/\/cgroup\.procs$/, '')}`, from: '/linux/cgroupsPath' });
  // Not the caller's pin (execCPUAffinity is for exec only, config.md): every CPU the cpuset allows.
  a.push(resetAffinityOp());
  const unprivileged = (inp.idHost?.euid ?? 0) !== 0 || inp.inUserns === true;
  // mount_setattr(MOUNT_ATTR_IDMAP) needs CAP_SYS_ADMIN in the host's user namespace (runc
  // refuses idmapped mounts of rootless containers too).
  const firstIdmapped = unprivileged ? [...mountIdmaps(config).keys()][0] : undefined;
  if (firstIdmapped !== undefined) throw new BerthError(`config.json: /mounts/${firstIdmapped}: idmapped mounts need root in the host's user namespace (not supported for rootless containers)`);
  // Idmapped trees before any namespace is joined: still in the host's user namespace.
  a.push(...idmapTreeOps(inp.rootfs, inp.bundle, config));
  a.push(...ns.before);
  a.push({ op: 'CLONE', args: [String(ns.cloneFlags)], what: 'clone the container init', from: '/linux/namespaces' });

  const b: PlanOp[] = [];
  // Root in the user namespace: a new one that maps 0, or one joined by path (runc's init does
  // setuid(0)/setgid(0) there too; without it the mounts would be made as an unmapped id).
  const joinedUserns = (linux.namespaces ?? []).some((n: any) => n?.type === 'user' && n.path);
  if ((ns.newUserns && rootMapped(linux)) || joinedUserns) b.push({ op: 'BECOME_ROOT', args: [], what: 'become root in the user namespace' });
  b.push({ op: 'SETSID', args: [], what: 'start a new session' });
  if (!inp.noNewKeyring) b.push(keyringOp(inp.id));
  const rootIn = { rootfs: inp.rootfs, bundle: inp.bundle, config, noPivot: inp.noPivot, newUserns: ns.newUserns || joinedUserns || inp.inUserns === true, cgroup: inp.cgroup, unprivileged };
  b.push(...rootfsOps(rootIn));
  b.push(...hookOps(config.hooks));
  b.push(...switchRootOps(rootIn));
  if (config.hostname) b.push({ op: 'SETHOSTNAME', args: [config.hostname], what: `set hostname ${config.hostname}`, from: '/hostname' });
  if (config.domainname) b.push({ op: 'SETDOMAINNAME', args: [config.domainname], what: `set domainname ${config.domainname}`, from: '/domainname' });
  // Sysctls before masked and read-only paths (runc's order): Docker asks for
  // net.ipv4.ip_unprivileged_port_start with /proc/sys among its readonlyPaths.
  b.push(...sysctlOps(linux));
  b.push(...afterPivotOps(config));
  const procIn = { process: proc, linux, preserveFds: inp.preserveFds, setgroupsAllowed: !ns.setgroupsDenied, jsonPath: 'config.json', onlineNodes: inp.onlineNodes };
  b.push(...privilegedProcessOps(procIn));
  if (proc.terminal) {
    if (!inp.consoleSocket) throw new BerthError('config.json: /process/terminal: a terminal needs --console-socket');
    const size = proc.consoleSize ?? {};
    b.push({ op: 'CONSOLE', args: [String(size.height ?? 0), String(size.width ?? 0), String(proc.user?.uid ?? 0)], what: 'set up the console', from: '/process/terminal' });
  }
  b.push(...seccompBeforeCredentials(procIn, inp.seccomp));
  b.push(...credentialOps(procIn));
  const beforeExec: PlanOp[] = [
    findExecOp(proc),
    { op: 'READY', args: [], what: 'report ready' },
    { op: 'WAIT_START', args: [], what: 'wait for start' },
  ];
  b.push(...execOps(procIn, beforeExec, inp.seccomp, runHookOps(config.hooks?.startContainer, 'startContainer')));
  return [...a, ...b];
}
