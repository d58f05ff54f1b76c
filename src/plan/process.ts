import { posix } from 'node:path';
import { BerthError } from '../errors.js';
import { log } from '../log/logger.js';
import { capMask } from './capabilities.js';
import { IOPRIO_CLASSES, PERSONALITY, RLIMITS, SCHED_FLAGS, SCHED_POLICIES } from './linux.js';
import { memoryPolicyOp } from './memory-policy.js';
import type { PlanOp } from './ops.js';

export interface ProcessInput {
  process: any;
  linux: any;
  /** fds 3..3+preserveFds-1 stay open in the container. */
  preserveFds: number;
  /** setgroups is denied in a user namespace whose gid map was written without it. */
  setgroupsAllowed: boolean;
  /** Where the plan runs (create or exec), for JSON paths in errors. */
  jsonPath: string;
  /** The host's online NUMA nodes, for linux.memoryPolicy's check (absent: not checked). */
  onlineNodes?: readonly number[];
}

/** Environment with HOME set (runc sets it from the user when missing) and LISTEN_FDS kept. */
export function processEnv(process: any): string[] {
  const env: string[] = [...(process.env ?? [])];
  if (!env.some((e) => e.startsWith('HOME='))) env.push(`HOME=${(process.user?.uid ?? 0) === 0 ? '/root' : '/'}`);
  return env;
}

/** The JSON pointer of the process object in its document: /process in config.json, "" in process.json. */
function base(inp: ProcessInput): string {
  return inp.jsonPath === 'config.json' ? '/process' : '';
}

/** Process attributes set while still privileged (before the user switch). */
export function privilegedProcessOps(inp: ProcessInput): PlanOp[] {
  const p = inp.process;
  const at = base(inp);
  const ops: PlanOp[] = [];
  if (p.oomScoreAdj !== undefined) ops.push({ op: 'OOM_SCORE_ADJ', args: [String(p.oomScoreAdj)], what: `set oom_score_adj ${p.oomScoreAdj}`, from: `${at}/oomScoreAdj` });
  if (inp.linux?.personality) {
    const dom = PERSONALITY[inp.linux.personality.domain];
    if (dom === undefined) throw new BerthError(`${inp.jsonPath}: /linux/personality/domain: unsupported domain ${inp.linux.personality.domain}`);
    ops.push({ op: 'PERSONALITY', args: [String(dom)], what: `set personality ${inp.linux.personality.domain}`, from: '/linux/personality' });
  }
  if (p.scheduler) {
    const s = p.scheduler;
    const flags = (s.flags ?? []).reduce((acc: number, f: string) => acc | (SCHED_FLAGS[f] ?? 0), 0);
    ops.push({
      op: 'SCHEDULER',
      args: [String(SCHED_POLICIES[s.policy] ?? 0), String(s.nice ?? 0), String(s.priority ?? 0), String(flags), String(s.runtime ?? 0), String(s.deadline ?? 0), String(s.period ?? 0)],
      what: `set scheduler ${s.policy}`,
      from: `${at}/scheduler`,
    });
  }
  if (p.ioPriority) {
    ops.push({ op: 'IOPRIO', args: [String(IOPRIO_CLASSES[p.ioPriority.class] ?? 0), String(p.ioPriority.priority ?? 0)], what: `set io priority ${p.ioPriority.class}`, from: `${at}/ioPriority` });
  }
  const mempolicy = memoryPolicyOp(inp.linux?.memoryPolicy, inp.onlineNodes);
  if (mempolicy) ops.push(mempolicy);
  for (const [i, r] of (p.rlimits ?? []).entries()) {
    const res = RLIMITS[r.type];
    if (res === undefined) throw new BerthError(`${inp.jsonPath}: rlimit type ${r.type} is not known to this kernel`);
    ops.push({ op: 'RLIMIT', args: [String(res), BigInt(r.soft).toString(), BigInt(r.hard).toString()], what: `set rlimit ${r.type} (soft ${r.soft}, hard ${r.hard})`, from: `${at}/rlimits/${i}` });
  }
  if (p.apparmorProfile) {
    ops.push({ op: 'WRITE_FILE', args: ['/proc/self/attr/apparmor/exec', `exec ${p.apparmorProfile}`], what: `set apparmor profile ${p.apparmorProfile}`, from: `${at}/apparmorProfile` });
  }
  if (p.selinuxLabel) {
    ops.push({ op: 'WRITE_FILE', args: ['/proc/self/attr/exec', p.selinuxLabel], what: `set selinux label ${p.selinuxLabel}`, from: `${at}/selinuxLabel` });
  }
  return ops;
}

/** The cwd, normalised; CHDIR goes to it in two tries around the user switch (as runc). */
function cwdOf(p: any): string {
  return posix.normalize(p.cwd ?? '/');
}

/**
 * User switch and capabilities (runc's order), after the first try at the cwd: while
 * still root, so a cwd only root may enter (a root-owned WORKDIR with a non-root user) works;
 * refused (EACCES), it is tried again after the switch (execOps).
 */
export function credentialOps(inp: ProcessInput): PlanOp[] {
  const p = inp.process;
  const user = p.user ?? { uid: 0, gid: 0 };
  const caps = p.capabilities ?? {};
  const at = base(inp);
  const ops: PlanOp[] = [{ op: 'CHDIR', args: [cwdOf(p), 'first'], what: `chdir to ${cwdOf(p)}`, from: `${at}/cwd` }];
  if (user.umask !== undefined) ops.push({ op: 'UMASK', args: [Number(user.umask).toString(8)], what: `set umask ${Number(user.umask).toString(8)}`, from: `${at}/user/umask` });
  ops.push({ op: 'CAP_BOUNDING', args: [capMask(caps.bounding)], what: 'drop bounding capabilities', from: `${at}/capabilities/bounding` });
  ops.push({ op: 'KEEPCAPS', args: [], what: 'keep capabilities across setuid' });
  if (inp.setgroupsAllowed) {
    const gids = (user.additionalGids ?? []).map(String).join(',');
    ops.push({ op: 'SETGROUPS', args: [gids], what: `set additional groups [${gids}]`, from: `${at}/user/additionalGids` });
  }
  ops.push({ op: 'SETRESGID', args: [String(user.gid ?? 0)], what: `set gid ${user.gid ?? 0}`, from: `${at}/user/gid` });
  ops.push({ op: 'SETRESUID', args: [String(user.uid ?? 0)], what: `set uid ${user.uid ?? 0}`, from: `${at}/user/uid` });
  // The kernel raises an ambient capability only when it is permitted and inheritable; runc
  // skips the others with a warning, and so does berth.
  const ambient = (caps.ambient ?? []).filter((c: string) => (caps.permitted ?? []).includes(c) && (caps.inheritable ?? []).includes(c));
  for (const c of caps.ambient ?? []) {
    if (!ambient.includes(c)) log.debug(`${inp.jsonPath}: ambient capability ${c} is not both permitted and inheritable: skipped`);
  }
  ops.push({
    op: 'CAPS',
    args: [capMask(caps.effective), capMask(caps.permitted), capMask(caps.inheritable), capMask(ambient)],
    what: 'set capabilities',
    from: `${at}/capabilities`,
  });
  return ops;
}

/**
 * Where the seccomp filter loads (as runc). Loading a filter needs no_new_privs or
 * CAP_SYS_ADMIN: with noNewPrivileges it is the last step before execve (execOps), so the
 * filter sees only the exec; without it, it loads before the user switch and the capability
 * drop (here), while the init still has CAP_SYS_ADMIN, and the profile then also filters the
 * init's last steps (setresuid, capset, the start handshake, execve).
 */
export function seccompBeforeCredentials(inp: ProcessInput, seccomp?: PlanOp): PlanOp[] {
  return seccomp && !inp.process.noNewPrivileges ? [seccomp] : [];
}

/** The container's own session keyring (runc's name for it); exec joins the same one. */
export function keyringOp(id: string): PlanOp {
  return { op: 'KEYRING', args: [`_ses.${id}`], what: `join session keyring _ses.${id}` };
}

/**
 * At create: the program must exist and be executable in the container (runc fails `create`
 * there too), looked up as EXEC will, in the process's PATH.
 */
export function findExecOp(p: any): PlanOp {
  const prog: string = p.args?.[0] ?? '';
  const path = processEnv(p).filter((e) => e.startsWith('PATH=')).pop()?.slice(5) ?? '';
  return { op: 'FIND_EXEC', args: [prog, path], what: `find executable ${prog}`, from: '/process/args/0' };
}

/**
 * cwd, fds, the final hardening and the exec itself. `beforeExec` goes before the hardening (the
 * start handshake); `confined` after no_new_privs and the filter, just before execve: the
 * startContainer hooks, which then run as confined as the process itself (as runc).
 */
export function execOps(inp: ProcessInput, beforeExec: PlanOp[], seccomp?: PlanOp, confined: PlanOp[] = []): PlanOp[] {
  const p = inp.process;
  const cwd = cwdOf(p);
  const at = base(inp);
  const ops: PlanOp[] = [
    { op: 'CHDIR', args: [cwd, 'again'], what: `chdir to ${cwd} as the container user`, from: `${at}/cwd` },
    { op: 'CLOSE_FDS', args: [String(3 + inp.preserveFds)], what: 'close inherited fds', ...(inp.preserveFds ? { from: '--preserve-fds' } : {}) },
    ...beforeExec,
  ];
  if (p.noNewPrivileges) ops.push({ op: 'NO_NEW_PRIVS', args: [], what: 'set no_new_privs', from: `${at}/noNewPrivileges` });
  if (seccomp && p.noNewPrivileges) ops.push(seccomp);
  ops.push(...confined);
  const args: string[] = p.args ?? [];
  if (args.length === 0) throw new BerthError(`${inp.jsonPath}: /process/args: must name the program to run`);
  const env = processEnv(p);
  ops.push({ op: 'EXEC', args: [args[0]!, String(args.length), ...args, ...env], what: `exec ${args[0]}`, from: `${at}/args` });
  return ops;
}
