import { BerthError, describeErrno } from '../errors.js';
import { cloneIntoDir } from '../cgroups/clone-into.js';
import type { CgroupRecord } from '../cgroups/types.js';
import { log } from '../log/logger.js';
import { native, initImage } from '../native/addon.js';
import { encodePlan } from '../plan/encode.js';
import type { PlanOp } from '../plan/ops.js';
import { renderInitError } from './init-errors.js';
import { StepClock } from '../log/timing.js';

const SYNC_TIMEOUT_MS = 120_000;

/** A failed session, with the init's step and errno where the init (or its spawn) said them. */
export class InitError extends BerthError {
  constructor(message: string, readonly op: string | undefined, readonly errno: number | undefined) {
    super(message);
  }
}

export interface SessionEvents {
  /** The init reported the container process's pid (before that process runs a step). */
  onPid?: (pid: number) => void;
  /** The init asks for runtime-side hooks; return the state JSON to send back. */
  onHooks?: (name: string, pid: number) => string;
  /** The init loaded an SCMP_ACT_NOTIFY filter and sent its listener fd: hand it to the agent
   * (and close it). Throwing fails the session. */
  onSeccomp?: (fd: number, pid: number) => void;
  /** The plan has JOIN_BY_RUNTIME: move the new process into the container's cgroup before
   * berth-init releases it. Throwing fails the session. */
  joinCgroup?: (pid: number) => void;
  /** Names the session in the debug log's step durations (`create c1`, `exec c1`). */
  what?: string;
}

export interface Session {
  /** The container (or exec) process, a child of this runtime process (CLONE_PARENT). */
  pid: number;
  /** True when the plan ended in READY (create); false when it exec'd directly (exec). */
  ready: boolean;
}

/**
 * Start berth-init, in the container's cgroup from birth where the layout allows it
 * (clone3 CLONE_INTO_CGROUP on a unified layout; the plan's CGROUP_JOIN ops join it in any case).
 * Logs (--debug) how it was started.
 */
function spawn(ops: readonly PlanOp[], preserveFds: number, cgroup: CgroupRecord | undefined): { pid: number; syncFd: number } {
  const dir = cloneIntoDir(cgroup);
  let r;
  try {
    r = native().spawnInit(initImage(), encodePlan(ops), preserveFds, dir);
  } catch (e) {
    if ((e as { code?: unknown }).code === undefined) throw e;
    const errno = (e as { errno?: unknown }).errno;
    throw new InitError(`start the container init: ${describeErrno(e)}`, 'spawn', typeof errno === 'number' ? Math.abs(errno) : undefined);
  }
  if (r.intoCgroup) log.debug(`init (pid ${r.pid}) started in ${dir} with clone3 CLONE_INTO_CGROUP`);
  else if (dir !== undefined) {
    log.debug(`clone3 CLONE_INTO_CGROUP not supported by this kernel (${r.clone3Error}): init (pid ${r.pid}) started with fork, it joins ${dir} through cgroup.procs`);
  } else if (cgroup) {
    log.debug(`init (pid ${r.pid}) started with fork (cgroup layout ${cgroup.layout}): it joins its cgroups through cgroup.procs`);
  }
  return r;
}

/**
 * Start berth-init with a plan and follow it over the sync socket until the init is ready
 * (create) or has exec'd (exec). On any failure every process it made is killed and reaped
 * before the error is thrown, so nothing is left behind. cgroup: the container's cgroup, which
 * the init is born in on a unified layout (its plan joins it anyway).
 */
export function runInit(ops: readonly PlanOp[], preserveFds: number, events: SessionEvents = {}, cgroup?: CgroupRecord): Session {
  const n = native();
  // Each stage's duration as the runtime sees it: from one report of the init to the next.
  const clock = new StepClock(events.what ?? 'init');
  // Moved by the runtime: born outside the cgroup, as the process it clones.
  const byRuntime = ops.some((o) => o.op === 'JOIN_BY_RUNTIME');
  const { pid: stageA, syncFd } = clock.time('init: fork and exec of berth-init', () => spawn(ops, preserveFds, byRuntime ? undefined : cgroup));
  let pid = 0;
  let stageAReaped = false;
  const reapA = () => {
    if (!stageAReaped) {
      stageAReaped = true;
      n.waitPid(stageA);
    }
  };
  try {
    for (;;) {
      const msg = n.syncRecv(syncFd, SYNC_TIMEOUT_MS);
      if (msg === null) {
        // EOF: every holder of the init's end closed it. Fine once B exec'd (exec plans).
        reapA();
        if (pid > 0 && !ops.some((o) => o.op === 'READY')) {
          clock.mark('init: set-up of the process up to its execve');
          return { pid, ready: false };
        }
        throw new BerthError(pid > 0 ? 'container init exited before it was ready' : 'container init exited before it started the container');
      }
      const [type, ...rest] = msg.split('\t');
      if (type === 'pid') {
        pid = Number(rest[0]);
        clock.mark('init stage A: cgroup join, namespaces, id maps, clone of the container process');
        if (byRuntime) {
          try {
            if (!events.joinCgroup) throw new BerthError('the plan asks the runtime to join the cgroup, and nobody does');
            events.joinCgroup(pid);
          } catch (e) {
            n.syncSend(syncFd, 'abort');
            throw e;
          }
          n.syncSend(syncFd, 'joined');
          clock.mark('the runtime: the process moved into the container\'s cgroup');
        }
        reapA();
        events.onPid?.(pid);
        clock.mark('the runtime on the new pid: intent record, network devices moved in');
      } else if (type === 'hooks') {
        clock.mark('init stage B: mounts and devices, up to the hooks');
        let reply = 'continue\t{}';
        try {
          reply = `continue\t${events.onHooks ? events.onHooks(rest[0] ?? '', pid) : '{}'}`;
        } catch (e) {
          n.syncSend(syncFd, 'abort');
          throw e;
        }
        n.syncSend(syncFd, reply);
        clock.mark('prestart and createRuntime hooks');
      } else if (type === 'seccomp' && rest.length === 1) {
        clock.mark('init: up to the seccomp listener');
        const fd = Number(rest[0]);
        try {
          if (!events.onSeccomp) {
            n.closeFd(fd);
            throw new BerthError('container init sent a seccomp listener nobody expected');
          }
          events.onSeccomp(fd, pid);
        } catch (e) {
          n.syncSend(syncFd, 'abort');
          throw e;
        }
        n.syncSend(syncFd, 'seccomp-ok');
        clock.mark('seccomp listener hand-off to the agent');
      } else if (type === 'ready') {
        clock.mark('init stage B: pivot_root, sysctls, masked paths, credentials, up to ready');
        return { pid, ready: true };
      } else if (type === 'error') {
        throw new InitError(renderInitError(ops, rest), ops[Number(rest[0])]?.op, Number(rest[2]) || undefined);
      } else {
        throw new BerthError(`container init sent an unknown message: ${JSON.stringify(msg)}`);
      }
    }
  } catch (e) {
    if (pid > 0) {
      try {
        n.signalPid(pid, 9);
      } catch {
        // already gone
      }
      try {
        n.waitPid(pid);
      } catch {
        // not our child any more
      }
    }
    try {
      reapA();
    } catch {
      // reaped
    }
    throw e;
  } finally {
    n.closeFd(syncFd);
  }
}
