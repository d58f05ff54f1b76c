import type { Globals } from '../cli/globals.js';
import { loadBundle, type Bundle } from '../config/load.js';
import { checkId } from '../state/id.js';
import { containerPlan } from '../plan/container.js';
import type { PlanOp } from '../plan/ops.js';
import { openCgroup, type Cgroup } from '../cgroups/index.js';
import { buildSeccomp } from '../seccomp/build.js';
import { listenFds, withListenEnv } from '../runtime/listen-fds.js';
import { checkLsm, probeLsm } from '../host/lsm.js';
import { log } from '../log/logger.js';
import { grantableCapabilities, runtimeBounding } from '../host/capabilities.js';

export interface CreateOptions {
  id: string;
  bundle: string;
  pidFile?: string;
  consoleSocket?: string;
  noPivot: boolean;
  noNewKeyring?: boolean;
  preserveFds: number;
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
  options: CreateOptions;
}

/**
 * The first half of create, shared with `create --dry-run`: validate the id and the bundle, check
 * what the host must provide (LSM, capabilities), resolve the cgroup and compile the seccomp
 * filter. No side effect: nothing is made, written, started or mounted; warnings are logged.
 */
export function prepareCreate(g: Globals, o: CreateOptions): PreparedCreate {
  const id = checkId(o.id);
  const bundle = o.loaded ?? loadBundle(o.bundle);
  // Socket activation fds (3..) go first, then --preserve-fds, as runc passes them.
  const activation = listenFds(process.env, process.pid);
  const config = { ...bundle.config, process: withListenEnv(bundle.config.process, activation) };
  checkLsm(config.process, 'config.json', probeLsm());
  const granted = grantableCapabilities(config.process, 'config.json', runtimeBounding());
  for (const w of granted.warnings) log.warn(w);
  config.process = granted.process;
  const cgroup = openCgroup({ cgroupsPath: config.linux?.cgroupsPath, id, systemd: g.systemdCgroup });
  const seccomp = buildSeccomp(config.linux?.seccomp, 'config.json');
  return { id, bundle, config, preserveFds: activation.count + o.preserveFds, cgroup, seccomp, options: o };
}

/**
 * The second half: the init's plan, for the cgroup as it is (create: once made; the dry run:
 * as it will be). Pure.
 */
export function planCreate(p: PreparedCreate, startSocket: string, consoleSocket = p.options.consoleSocket): PlanOp[] {
  return containerPlan({
    id: p.id,
    bundle: p.bundle.dir,
    rootfs: p.bundle.rootfs,
    config: p.config,
    startSocket,
    cgroupProcs: p.cgroup.procsFiles(),
    cgroup: p.cgroup.record,
    consoleSocket,
    noPivot: p.options.noPivot,
    noNewKeyring: p.options.noNewKeyring,
    preserveFds: p.preserveFds,
    seccomp: p.seccomp?.op,
  });
}
