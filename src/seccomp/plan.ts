import { BerthError } from '../errors.js';
import type { SeccompCompileInput, SeccompRule } from '../native/addon.js';
import type { PlanOp } from '../plan/ops.js';
import { ACTIONS, FLAG_NEW_LISTENER, FLAG_TSYNC_ESRCH, FLAGS, NOTIFY, OPERATORS, libseccompArch } from './constants.js';

const EPERM = 1;

/** What src/seccomp/build.ts needs to compile and load a linux.seccomp object. */
export interface SeccompFilterPlan {
  input: SeccompCompileInput;
  /** seccomp(2) flags for the init's SECCOMP op. */
  flags: number;
  /** Some rule notifies: the init hands its listener fd to the runtime (listenerPath). */
  notify: boolean;
  /** Actions used (names), for checks against what the kernel accepts, with a JSON path each. */
  actions: { name: string; at: string }[];
  /** Config flags used, with their JSON paths. */
  flagsUsed: { name: string; at: string }[];
  /** Why rules were left out, for the debug log. */
  notes: string[];
}

/** SECCOMP_RET_* value of an action with its errnoRet (EPERM when an errno action has none, as runc). */
export function actionValue(action: string, errnoRet: number | undefined, at: string): number {
  const a = ACTIONS[action];
  if (!a) throw new BerthError(`${at}: unknown seccomp action ${action}`);
  if (!a.data) {
    if (errnoRet !== undefined) throw new BerthError(`${at}: ${action} takes no errno`);
    return a.ret;
  }
  return (a.ret | ((errnoRet ?? EPERM) & 0xffff)) >>> 0;
}

function uint64(v: unknown, at: string): bigint {
  if (typeof v === 'bigint') return v;
  if (typeof v === 'number' && Number.isInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === 'string' && /^\d+$/.test(v)) return BigInt(v);
  throw new BerthError(`${at}: must be an unsigned 64-bit integer`);
}

/**
 * linux.seccomp → the addon's compile input, the flags and whether a listener is needed. Pure.
 * Like runc: a rule whose action equals the default is left out (libseccomp refuses it); a rule
 * with two conditions on one argument index becomes one rule per condition (libseccomp allows
 * one comparison per argument in a rule, so the conditions are ORed), otherwise conditions are
 * ANDed in one rule.
 */
export function seccompFilterPlan(s: any, base = '/linux/seccomp'): SeccompFilterPlan {
  const notes: string[] = [];
  const actions: { name: string; at: string }[] = [{ name: s.defaultAction, at: `${base}/defaultAction` }];
  const defaultAction = actionValue(s.defaultAction, s.defaultErrnoRet, `${base}/defaultAction`);
  if (s.defaultAction === NOTIFY) throw new BerthError(`${base}/defaultAction: ${NOTIFY} cannot be the default action (the init could not hand over its listener)`);
  const rules: SeccompRule[] = [];
  /** name → where its first unconditional rule is: libseccomp keeps that one over later rules. */
  const unconditional = new Map<string, { at: string; action: number }>();
  let notify = false;
  (s.syscalls ?? []).forEach((sc: any, i: number) => {
    const at = `${base}/syscalls/${i}`;
    actions.push({ name: sc.action, at: `${at}/action` });
    const action = actionValue(sc.action, sc.errnoRet, `${at}/action`);
    if (action === defaultAction) {
      notes.push(`${at}: ${sc.action} is the default action: rule not needed`);
      return;
    }
    if (sc.action === NOTIFY) notify = true;
    const conds = (sc.args ?? []).map((a: any, j: number) => {
      const op = OPERATORS[a.op];
      if (op === undefined) throw new BerthError(`${at}/args/${j}/op: unknown seccomp operator ${a.op}`);
      if (!Number.isInteger(a.index) || a.index < 0 || a.index > 5) throw new BerthError(`${at}/args/${j}/index: must be between 0 and 5`);
      return { index: a.index, op, value: uint64(a.value, `${at}/args/${j}/value`), valueTwo: a.valueTwo === undefined ? 0n : uint64(a.valueTwo, `${at}/args/${j}/valueTwo`) };
    });
    const indexes = conds.map((c: { index: number }) => c.index);
    const repeated = new Set(indexes).size !== indexes.length;
    for (const name of sc.names ?? []) {
      const first = unconditional.get(name);
      if (first && first.action !== action) notes.push(`${at}: syscall ${name} has an unconditional rule at ${first.at} already: libseccomp keeps that one`);
      if (!first && conds.length === 0) unconditional.set(name, { at, action });
      if (repeated) for (const c of conds) rules.push({ name, action, args: [c], at });
      else rules.push({ name, action, args: conds, at });
    }
  });

  let flags = 0;
  const flagsUsed: { name: string; at: string }[] = [];
  (s.flags ?? []).forEach((f: string, i: number) => {
    const v = FLAGS[f];
    if (v === undefined) throw new BerthError(`${base}/flags/${i}: unknown seccomp flag ${f}`);
    flagsUsed.push({ name: f, at: `${base}/flags/${i}` });
    flags |= v;
  });
  if (notify) {
    flags |= FLAG_NEW_LISTENER;
    // TSYNC with a listener is refused unless a thread that cannot sync makes it fail with ESRCH.
    if (flags & FLAGS.SECCOMP_FILTER_FLAG_TSYNC!) flags |= FLAG_TSYNC_ESRCH;
  } else if (flags & FLAGS.SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV!) {
    // Only meaningful (and only accepted by the kernel) with a listener.
    flags &= ~FLAGS.SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV!;
    notes.push(`${base}/flags: SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV without ${NOTIFY} rules: not used`);
  }

  return {
    input: { defaultAction, architectures: (s.architectures ?? []).map(libseccompArch), rules },
    flags,
    notify,
    actions,
    flagsUsed,
    notes,
  };
}

/** The init's SECCOMP op for a compiled program. */
export function seccompOp(program: Buffer, flags: number, notify: boolean): PlanOp {
  return {
    op: 'SECCOMP',
    args: [String(flags), program],
    what: notify ? 'load the seccomp filter and hand its listener to the seccomp agent' : 'load the seccomp filter',
  };
}

/** A SECCOMP op as state.json keeps it, so `exec` reuses the program `create` compiled. */
export interface StoredSeccomp {
  flags: number;
  program: string; // base64 of the sock_filter array
  notify: boolean;
}

export function storeSeccomp(program: Buffer, flags: number, notify: boolean): StoredSeccomp {
  return { flags, program: program.toString('base64'), notify };
}

export function storedSeccompOp(s: StoredSeccomp): PlanOp {
  return seccompOp(Buffer.from(s.program, 'base64'), s.flags, s.notify);
}
