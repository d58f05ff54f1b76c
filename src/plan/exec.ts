import { statSync } from 'node:fs';
import { BerthError } from '../errors.js';
import { JOIN_ORDER, NAMESPACES } from './linux.js';
import { credentialOps, execOps, keyringOp, privilegedProcessOps, seccompBeforeCredentials } from './process.js';
import type { PlanOp } from './ops.js';
import { execAffinityOps } from './cpu-affinity.js';

export interface ExecPlanInput {
  /** The container init's pid: its /proc/PID/ns/* are joined. */
  initPid: number;
  namespaces: { type: string }[];
  cgroupProcs: string[];
  /**
   * The runtime moves the exec process into cgroupProcs once it is cloned (JOIN_BY_RUNTIME), as
   * runc does, instead of berth-init joining them before its clone: a cgroup at its pids limit
   * refuses a fork into it, not a move (exec's second try there: docs/CGROUPS.md "exec and the
   * pids limit").
   */
  joinByRuntime?: boolean;
  process: any;
  linux: any;
  consoleSocket?: string;
  preserveFds: number;
  /** Join the session keyring of this container id (absent: created with --no-new-keyring). */
  keyringOf?: string;
  /** The container's filter (src/seccomp/build.ts), applied to the exec process too. */
  seccomp?: PlanOp;
  /** The container's user namespace denies setgroups (/proc/PID/setgroups reads "deny"). */
  setgroupsDenied?: boolean;
  /** config.json's process.execCPUAffinity: the default of an exec whose process names none. */
  configAffinity?: { initial?: string; final?: string };
  /** The host's online NUMA nodes (linux.memoryPolicy's check; absent: not checked). */
  onlineNodes?: readonly number[];
}

function sameNamespace(a: string, b: string): boolean {
  try {
    const x = statSync(a);
    const y = statSync(b);
    return x.ino === y.ino && x.dev === y.dev;
  } catch {
    return false;
  }
}

/** exec: join every namespace and the cgroup of the container, then set up and exec the process. */
export function execPlan(inp: ExecPlanInput): PlanOp[] {
  const ops: PlanOp[] = [];
  const affinity = execAffinityOps(
    { affinity: inp.process.execCPUAffinity, doc: 'process.json', at: '/execCPUAffinity' },
    { affinity: inp.configAffinity, doc: 'config.json', at: '/process/execCPUAffinity' },
  );
  // initial: berth-init's CPUs until it is in the cgroup; then final (or the reset) for the process.
  ops.push(...affinity.before);
  if (inp.consoleSocket) ops.push({ op: 'CONSOLE_CONNECT', args: [inp.consoleSocket], what: `connect to console socket ${inp.consoleSocket}`, from: '--console-socket' });
  const byRuntime = inp.joinByRuntime === true && inp.cgroupProcs.length > 0;
  if (!byRuntime) {
    for (const f of inp.cgroupProcs) ops.push({ op: 'CGROUP_JOIN', args: [f], what: `join cgroup ${f.replace(/\/cgroup\.procs$/, '')}` });
    ops.push(...affinity.after);
  }
  const types = new Set(inp.namespaces.map((n) => n.type));
  for (const type of JOIN_ORDER) {
    if (!types.has(type)) continue;
    const info = NAMESPACES[type]!;
    const path = `/proc/${inp.initPid}/ns/${info.proc}`;
    // setns into the namespace we are already in fails for user namespaces; skip any such.
    if (sameNamespace(path, `/proc/self/ns/${info.proc}`)) continue;
    ops.push({ op: 'SETNS', args: [path, String(info.flag)], what: `join ${type} namespace of the container` });
  }
  if (byRuntime) ops.push({ op: 'JOIN_BY_RUNTIME', args: [], what: 'the runtime moves the exec process into the container\'s cgroup' });
  ops.push({ op: 'CLONE', args: ['0'], what: 'start the exec process' });
  // final (or the reset) once the process is in the cgroup: the move applies the cpuset.
  if (byRuntime) ops.push(...affinity.after);
  const p = inp.process;
  if (p.terminal) ops.push({ op: 'SETSID', args: [], what: 'start a new session' });
  if (inp.keyringOf) ops.push(keyringOp(inp.keyringOf));
  if (inp.setgroupsDenied && (p.user?.additionalGids ?? []).length > 0) {
    throw new BerthError('process.json: /user/additionalGids: setgroups is denied in the container\'s user namespace (its gid map was written without newgidmap)');
  }
  const procIn = { process: p, linux: inp.linux, preserveFds: inp.preserveFds, setgroupsAllowed: !inp.setgroupsDenied, jsonPath: 'process.json', onlineNodes: inp.onlineNodes };
  ops.push(...privilegedProcessOps(procIn));
  if (p.terminal) {
    const size = p.consoleSize ?? {};
    ops.push({ op: 'CONSOLE', args: [String(size.height ?? 0), String(size.width ?? 0), String(p.user?.uid ?? 0)], what: 'set up the console', from: '/terminal' });
  }
  ops.push(...seccompBeforeCredentials(procIn, inp.seccomp));
  ops.push(...credentialOps(procIn));
  ops.push(...execOps(procIn, [], inp.seccomp));
  return ops;
}
