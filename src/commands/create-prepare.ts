import type { Globals } from '../cli/globals.js';
import { loadBundle, type Bundle } from '../config/load.js';
import { checkId } from '../state/id.js';
import { containerPlan } from '../plan/container.js';
import type { PlanOp } from '../plan/ops.js';
import { openCgroup, type Cgroup } from '../cgroups/index.js';
import { buildSeccomp } from '../seccomp/build.js';
import { listenFds, withListenEnv } from '../runtime/listen-fds.js';
import { checkLsm, checkMountLabel, probeLsm } from '../host/lsm.js';
import { log } from '../log/logger.js';
import { grantableCapabilities, runtimeBounding } from '../host/capabilities.js';
import { currentIdMapHost } from '../host/id-map-host.js';
import { currentInvoker } from '../host/invoker.js';
import { idMapPlan, type IdMapHost } from '../plan/id-maps.js';
import { onlineNumaNodes } from '../host/numa.js';
import { netDeviceMoves, type NetDeviceMove } from '../netdev/plan.js';
import { checkHostDevices } from '../netdev/host.js';
import { checkSysctls } from '../validate/sysctls.js';
import { isOwnNetns } from '../host/netns.js';
import { planRdt, type RdtPlan } from '../intelrdt/group.js';
import { resctrlMount } from '../intelrdt/resctrl.js';
import type { StepClock } from '../log/timing.js';

export interface CreateOptions {
  id: string;
  bundle: string;
  pidFile?: string;
  consoleSocket?: string;
  noPivot: boolean;
  noNewKeyring?: boolean;
  preserveFds: number;
  /** --pidfd-socket: where the init's pidfd goes once it exists (runtime/pidfd-socket.ts). */
  pidfdSocket?: string;
  /** The bundle already loaded and validated by the caller (run), not read a second time. */
  loaded?: Bundle;
}

/** Everything `create` decides before it makes anything (prepareCreate). */
export interface PreparedCreate {
  id: string;
  bundle: Bundle;
  /** The config as the container gets it: LISTEN_FDS in the env, ungrantable capabilities dropped. */
  config: any;
  /** Socket-activation fds plus --preserve-fds. */
  preserveFds: number;
  /** The container's cgroup, resolved but not made. */
  cgroup: Cgroup;
  seccomp?: ReturnType<typeof buildSeccomp>;
  /** linux.intelRdt against the host's resctrl (checked here: no resctrl is an error now). */
  rdt?: RdtPlan;
  /** Who berth runs as (rootless: the maps it may write, through which helpers). */
  idHost: IdMapHost;
  /** berth runs as root in a user namespace not the host's (rootless Podman's case). */
  inUserns: boolean;
  /** The host's online NUMA nodes, read only for a config with linux.memoryPolicy. */
  onlineNodes?: number[];
  /** linux.netDevices: the host devices the runtime moves in once the init exists (src/netdev/). */
  netDevices: NetDeviceMove[];
  options: CreateOptions;
}

/**
 * The first half of create, shared with `create --dry-run`: validate the id and the bundle, check
 * what the host must provide (LSM, capabilities), resolve the cgroup and compile the seccomp
 * filter. No side effect: nothing is made, written, started or mounted; warnings are logged.
 * With `act.seccompCache` (create) the filter comes from, or goes to, the compiled-filter cache
 * under --root (src/seccomp/cache.ts), the one thing it may write.
 */
export function prepareCreate(g: Globals, o: CreateOptions, act: { seccompCache?: boolean; clock?: StepClock } = {}): PreparedCreate {
  const id = checkId(o.id);
  const bundle = o.loaded ?? loadBundle(o.bundle);
  // Socket activation fds (3..) go first, then --preserve-fds, as runc passes them.
  const activation = listenFds(process.env, process.pid);
  const config = { ...bundle.config, process: withListenEnv(bundle.config.process, activation) };
  const lsm = probeLsm();
  checkLsm(config.process, 'config.json', lsm);
  checkMountLabel(config.linux, 'config.json', lsm);
  const rdt = config.linux?.intelRdt ? planRdt(config.linux.intelRdt, id, resctrlMount()) : undefined;
  const granted = grantableCapabilities(config.process, 'config.json', runtimeBounding());
  for (const w of granted.warnings) log.warn(w);
  config.process = granted.process;
  // What a caller that is not root may not do (id maps beyond its own) is an error before
  // anything is made; the plan checks the same again. Sysctls of the host are refused to all.
  const idHost = currentIdMapHost();
  if ((config.linux?.namespaces ?? []).some((n: any) => n?.type === 'user' && !n.path)) idMapPlan(config.linux, idHost);
  checkSysctls(config.linux, isOwnNetns);
  act.clock?.mark(o.loaded ? 'validation (config.json loaded by the caller), LSM, capabilities, id maps' : 'validation: config.json, LSM, capabilities, id maps');
  const cgroup = openCgroup({ cgroupsPath: config.linux?.cgroupsPath, id, systemd: g.systemdCgroup, annotations: config.annotations });
  act.clock?.mark('cgroup: resolve the paths');
  // The compiled-filter cache under --root is for create itself; the dry run writes nothing.
  const seccomp = buildSeccomp(config.linux?.seccomp, 'config.json', act.seccompCache ? g.root : undefined);
  if (seccomp) act.clock?.mark('seccomp filter');
  const onlineNodes = config.linux?.memoryPolicy ? onlineNumaNodes() : undefined;
  const inUserns = currentInvoker().inUserns;
  const netDevices = netDeviceMoves(config.linux);
  checkHostDevices(netDevices, idHost.euid !== 0 || inUserns);
  return { id, bundle, config, preserveFds: activation.count + o.preserveFds, cgroup, seccomp, ...(rdt ? { rdt } : {}), idHost, inUserns, onlineNodes, netDevices, options: o };
}

/**
 * The second half: the init's plan, for the cgroup as it is (create: once made, or skipped when
 * rootless and not delegated; the dry run: as it will be). Pure.
 */
export function planCreate(p: PreparedCreate, startSocket: string, consoleSocket = p.options.consoleSocket, withCgroup = true): PlanOp[] {
  return containerPlan({
    id: p.id,
    bundle: p.bundle.dir,
    rootfs: p.bundle.rootfs,
    config: p.config,
    startSocket,
    cgroupProcs: withCgroup ? p.cgroup.procsFiles() : [],
    ...(withCgroup ? { cgroup: p.cgroup.record } : {}),
    consoleSocket,
    noPivot: p.options.noPivot,
    noNewKeyring: p.options.noNewKeyring,
    preserveFds: p.preserveFds,
    seccomp: p.seccomp?.op,
    idHost: p.idHost,
    inUserns: p.inUserns,
    onlineNodes: p.onlineNodes,
  });
}
