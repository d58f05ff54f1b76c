import { writePidFile } from '../state/pid-file.js';
import { BerthError, describeErrno } from '../errors.js';
import type { Globals } from '../cli/globals.js';
import type { Bundle } from '../config/load.js';
import { Store } from '../state/store.js';
import { readStat } from '../state/proc.js';
import { ociState, rfc3339Nano, type ContainerRecord } from '../state/record.js';
import { runInit } from '../runtime/init-session.js';
import { runHooks, runHooksWarnOnly } from '../hooks/run.js';
import type { Cgroup } from '../cgroups/index.js';
import { createOrSkip } from '../cgroups/rootless.js';
import { splitPids } from '../cgroups/pids-after-init.js';
import { native } from '../native/addon.js';
import { SPEC_VERSION } from '../version.js';
import { handOffListener } from '../seccomp/notify.js';
import { userInfo } from 'node:os';
import { log } from '../log/logger.js';
import { dirsToMake, writeIntent, type CreateIntent } from '../state/intent.js';
import { stopPoint } from '../runtime/stop-point.js';
import { ownPidns } from '../state/members.js';
import { planCreate, prepareCreate, type CreateOptions } from './create-prepare.js';
import { NetDeviceMover } from '../netdev/move.js';
import { PidfdSocket } from '../runtime/pidfd-socket.js';
import { applyRdt, rdtRecord, removeRdt, type RdtPlan, type RdtRecord } from '../intelrdt/group.js';
import { StepClock } from '../log/timing.js';

export type { CreateOptions } from './create-prepare.js';

export interface Created {
  rec: ContainerRecord;
  store: Store;
}

function writeCreatePidFile(path: string, pid: number): void {
  try {
    writePidFile(path, pid);
  } catch (e) {
    throw new BerthError(`write pid file ${path}: ${describeErrno(e)}`);
  }
}

/** What a launcher (create's init, restore's CRIU) gets: the container as far as it is made. */
export interface LaunchContext {
  id: string;
  bundle: Bundle;
  config: any;
  store: Store;
  cgroup: Cgroup;
  /** False when the container goes without its cgroup (rootless, not delegated: createOrSkip). */
  cgroupMade: boolean;
  /** The record to save once the launcher returns; pid 0 until then. */
  rec: ContainerRecord;
  /** Record the container's first process in the intent as soon as it is known. */
  onPid(pid: number): void;
}

export interface SetUp {
  id: string;
  bundle: Bundle;
  /** The config as the container runs it (create's LSM, capability and socket-activation edits made). */
  config: any;
  /** The container's cgroup, resolved, not made yet. */
  cgroup: Cgroup;
  pidFile?: string;
  /** "create", "restore": the prefix of errors. */
  verb: string;
  noNewKeyring?: boolean;
  /** linux.intelRdt, planned: the first process joins its group before its program runs. */
  rdt?: RdtPlan;
  /** Starts the container's first process in the cgroup; returns its pid. */
  launch(ctx: LaunchContext): Promise<number> | number;
  /** After a failure, once everything made is removed (create: the poststop hooks). */
  onFailed?(): void;
  /** Step durations for --debug (create). */
  clock?: StepClock;
}

/**
 * What create and restore share: claim the id, record the intent, make the cgroup with its
 * resources, let the launcher start the container's first process, then record state.json (pid
 * and start time) and the --pid-file. Any failure removes everything made so far.
 */
export async function setUpContainer(g: Globals, o: SetUp): Promise<Created> {
  const { id, bundle, config, cgroup, clock } = o;
  const store = new Store(g.root);
  store.claim(id);
  // From here on, what is about to be made is recorded first (state/intent.ts): a create killed
  // at any moment leaves a record `delete --force` cleans up from.
  const intent: CreateIntent = {
    ociVersion: SPEC_VERSION,
    id,
    bundle: bundle.dir,
    rootfs: bundle.rootfs,
    created: rfc3339Nano(),
    owner: userInfo().username ?? '',
    ...(config.annotations ? { annotations: config.annotations } : {}),
    creator: { pid: process.pid, startTime: readStat(process.pid)?.startTime ?? 0 },
    ownPidns: ownPidns({ namespaces: config.linux?.namespaces ?? [] }),
    ...(config.hooks?.poststop ? { poststop: config.hooks.poststop } : {}),
  };
  let cgroupMade = false;
  let rdtMade: RdtRecord | undefined;
  try {
    writeIntent(store, intent);
    intent.cgroup = { ...cgroup.record, created: dirsToMake(cgroup.record.paths) };
    writeIntent(store, intent);
    clock?.mark('state dir and intent record');
    stopPoint('before-cgroup');
    // The warning is for a user running berth; an engine that runs it as root inside the user
    // namespace it made (rootless Podman) knows it has no cgroup, and hears it with --debug.
    const skipped = (m: string) => ((process.geteuid?.() ?? 0) !== 0 ? log.warn(m) : log.debug(m));
    const resources = splitPids(config.linux?.resources);
    cgroupMade = createOrSkip(cgroup, { rootless: g.rootlessCgroups, cgroupsPath: config.linux?.cgroupsPath, resources: resources.atCreate, requested: config.linux?.resources }, skipped);
    if (cgroupMade) intent.cgroup = cgroup.record;
    else delete intent.cgroup;
    writeIntent(store, intent);
    clock?.mark('cgroup: make the dirs, write the resources');
    stopPoint('after-cgroup');
    const rec: ContainerRecord = {
      // The version the bundle's config says it follows (its state complies with the same).
      ociVersion: config.ociVersion ?? SPEC_VERSION,
      id,
      pid: 0,
      initStartTime: 0,
      bundle: bundle.dir,
      rootfs: bundle.rootfs,
      created: intent.created,
      owner: userInfo().username ?? '',
      annotations: config.annotations ?? {},
      config,
      ...(cgroupMade ? { cgroup: cgroup.record } : {}),
      namespaces: config.linux?.namespaces ?? [],
      ...(o.noNewKeyring ? { noNewKeyring: true } : {}),
    };
    const pid = await o.launch({
      id,
      bundle,
      config,
      store,
      cgroup,
      cgroupMade,
      rec,
      onPid: (p) => {
        intent.init = { pid: p, startTime: readStat(p)?.startTime ?? 0 };
        if (o.rdt) intent.intelRdt = rdtRecord(o.rdt);
        writeIntent(store, intent);
        stopPoint('init-pid');
        // The init waits for `start` before it execs the program: joined now, it runs in the
        // group from its first instruction (a failure here kills the init).
        if (o.rdt) rec.intelRdt = rdtMade = applyRdt(o.rdt, p);
      },
    });
    clock?.mark('berth-init from fork to ready (its stages above)');
    stopPoint('ready');
    rec.pid = pid;
    if (cgroupMade) {
      cgroup.afterJoin();
      rec.cgroup = cgroup.record;
    }
    rec.initStartTime = intent.init?.pid === pid && intent.init.startTime ? intent.init.startTime : (readStat(pid)?.startTime ?? 0);
    try {
      if (cgroupMade && resources.afterInit) cgroup.update(resources.afterInit);
      stopPoint('before-state');
      // The teardown record stays for the container's life: its final cgroup and init first,
      // so that either file is enough for `delete --force`.
      intent.init = { pid, startTime: rec.initStartTime };
      if (cgroupMade) intent.cgroup = cgroup.record;
      writeIntent(store, intent);
      store.save(rec);
      if (o.pidFile) writeCreatePidFile(o.pidFile, pid);
      clock?.mark('state.json and pid file');
      clock?.total();
    } catch (e) {
      killAndReap(pid);
      throw e;
    }
    return { rec, store };
  } catch (e) {
    if (rdtMade) {
      try {
        removeRdt(rdtMade, true);
      } catch (err) {
        log.warn(`${o.verb} ${id}: ${(err as Error).message}`);
      }
    }
    if (cgroupMade) {
      try {
        cgroup.destroy();
      } catch {
        // best effort; reported below through the original error
      }
    }
    store.remove(id);
    o.onFailed?.();
    throw e instanceof BerthError ? new BerthError(`${o.verb} ${id}: ${e.message}`, e.exitCode) : e;
  }
}

/**
 * create (runtime.md "Create"): validate the bundle, claim the id, make the cgroup, start the
 * native init with the plan, run the pre-pivot hooks when it asks, record the state and leave
 * the init waiting for `start`. Any failure removes everything made so far.
 */
export async function createContainer(g: Globals, o: CreateOptions): Promise<Created> {
  const clock = new StepClock(`create ${o.id}`);
  const prepared = prepareCreate(g, o, { seccompCache: true, clock });
  const { id, bundle, config, preserveFds, cgroup, seccomp } = prepared;
  let hookState: object | undefined = undefined as object | undefined;
  const netDevices = new NetDeviceMover(prepared.netDevices);
  // Connected before anything is made: a socket nobody listens on fails create with nothing left.
  const pidfdSocket = o.pidfdSocket ? PidfdSocket.connect(o.pidfdSocket) : undefined;
  try {
    return await setUpContainer(g, {
      id,
      bundle,
      config,
      pidFile: o.pidFile,
      cgroup,
      ...(prepared.rdt ? { rdt: prepared.rdt } : {}),
      verb: 'create',
      noNewKeyring: o.noNewKeyring,
      clock,
      launch: ({ store, cgroupMade, rec, onPid }) => {
        const ops = planCreate(prepared, store.startSocket(id), o.consoleSocket, cgroupMade);
        if (seccomp) rec.seccomp = seccomp.stored;
        rec.steps = ops.map((op) => op.what);
        clock.mark('plan');
        const session = runInit(ops, preserveFds, {
          what: `create ${id}`,
          onPid: (pid) => {
            onPid(pid);
            // Before any hook (the init's first wait for the runtime), as runc 1.4+.
            netDevices.moveIn(pid);
          },
          onHooks: (_name, pid) => {
            // "created: the runtime has finished the create operation (after step 2 in the
            // lifecycle)": the hooks are steps 3-5, so all three kinds see `created` (as
            // runtime-tools' hooks_stdin expects; runc 1.1 shows `creating` to the first two).
            const state = ociState({ ...rec, pid }, 'created');
            hookState = state;
            runHooks(config.hooks?.prestart, 'prestart', state);
            runHooks(config.hooks?.createRuntime, 'createRuntime', state);
            // The init keeps the state only for the hooks it runs itself; one SEQPACKET datagram
            // holds it, so a state with huge annotations is sent only when such hooks need it.
            const inContainer = (config.hooks?.createContainer?.length ?? 0) + (config.hooks?.startContainer?.length ?? 0);
            return inContainer > 0 ? JSON.stringify(state) : '{}';
          },
          onSeccomp: (fd, pid) => handOffListener(config.linux.seccomp, fd, pid, ociState({ ...rec, pid }, 'creating')),
        }, cgroupMade ? cgroup.record : undefined);
        if (pidfdSocket) sendPidfdOrKill(pidfdSocket, session.pid);
        return session.pid;
      },
      // Past the hooks the container existed: a failure now (a failing prestart, createRuntime or
      // createContainer hook among them) stopped it and "continue[s] the lifecycle at step 12":
      // it is destroyed (above), then the poststop hooks run (runtime.md lifecycle 3-5, 13; as runc).
      onFailed: () => {
        netDevices.restore();
        if (hookState) runHooksWarnOnly(config.hooks?.poststop, 'poststop', { ...hookState, status: 'stopped', pid: 0 });
      },
    });
  } finally {
    netDevices.close();
    pidfdSocket?.close();
  }
}

/** The container's first process, ended after a failure (create then removes the rest). */
function killAndReap(pid: number): void {
  try {
    native().signalPid(pid, 9);
    native().waitPid(pid);
  } catch {
    // gone
  }
}

/** --pidfd-socket: the init's pidfd goes to the socket; a failure ends the init. */
function sendPidfdOrKill(socket: PidfdSocket, pid: number): void {
  try {
    socket.send(pid, 'standard');
  } catch (e) {
    killAndReap(pid);
    throw e;
  }
}

export default async function create(g: Globals, a: Record<string, any>): Promise<number> {
  if (a['dry-run']) return (await import('./dry-run.js')).dryRunCreate(g, a, 'create');
  await createContainer(g, {
    id: a.id,
    bundle: a.bundle,
    pidFile: a['pid-file'],
    consoleSocket: a['console-socket'],
    noPivot: a['no-pivot'],
    noNewKeyring: a['no-new-keyring'],
    preserveFds: a['preserve-fds'] ?? 0,
    pidfdSocket: a['pidfd-socket'],
  });
  return 0;
}
