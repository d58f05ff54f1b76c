import { BerthError } from '../errors.js';
import { log } from '../log/logger.js';
import { native } from '../native/addon.js';
import type { PlanOp } from '../plan/ops.js';
import { seccompFilterPlan, seccompOp, storeSeccomp, type StoredSeccomp } from './plan.js';
import { seccompSupport } from './probe.js';
import { compileCached } from './compile-cached.js';
import { StepClock } from '../log/timing.js';

/**
 * linux.seccomp → the init's SECCOMP op and its state.json form (undefined when there is none): checked against what
 * this kernel accepts, compiled with libseccomp in this process. Syscall names and architectures
 * libseccomp does not know are skipped with a debug log, as runc does. `file` names the document
 * in errors (config.json).
 */
export interface SeccompSummary {
  defaultAction: string;
  /** Rules compiled into the program (one per syscall name and argument set libseccomp knows). */
  rules: number;
  /** Rules left out: syscalls this libseccomp does not know. */
  skippedRules: number;
  architectures: string[];
  flags: string[];
  /** The program hands a listener to the agent at listenerPath (SCMP_ACT_NOTIFY rules). */
  notify: boolean;
  /** Size of the BPF program in instructions. */
  instructions: number;
}

/** cacheRoot: the state root whose compiled-filter cache to use (create; not the dry run, which writes nothing). */
export function buildSeccomp(seccomp: any, file: string, cacheRoot?: string): { op: PlanOp; stored: StoredSeccomp; summary: SeccompSummary } | undefined {
  if (!seccomp) return undefined;
  const base = '/linux/seccomp';
  const clock = new StepClock('seccomp');
  let plan;
  try {
    plan = seccompFilterPlan(seccomp, base);
  } catch (e) {
    throw e instanceof BerthError ? new BerthError(`${file}: ${e.message}`) : e;
  }
  clock.mark('profile to rules');
  const support = seccompSupport();
  clock.mark('what the kernel and libseccomp support (probe)');
  for (const a of plan.actions) {
    if (!support.actions.has(a.name)) throw new BerthError(`${file}: ${a.at}: ${a.name} is not supported by this kernel`);
  }
  for (const f of plan.flagsUsed) {
    if (!support.flags.has(f.name)) throw new BerthError(`${file}: ${f.at}: ${f.name} is not supported by this kernel`);
  }
  for (const n of plan.notes) log.debug(`seccomp: ${file}: ${n}`);
  let out;
  try {
    out = cacheRoot === undefined ? native().seccompCompile(plan.input) : compileCached(cacheRoot, plan, support.libseccompVersion);
  } catch (e: any) {
    throw new BerthError(`${file}: seccomp filter: ${e?.message ?? e}`);
  }
  clock.mark(cacheRoot === undefined ? 'compile' : 'compile or cache');
  const skipped = new Set(out.skippedRules.map((i) => `${plan.input.rules[i]!.at}: syscall ${plan.input.rules[i]!.name}`));
  for (const s of skipped) log.debug(`seccomp: ${file}: ${s} is unknown to libseccomp ${support.libseccompVersion}: skipped`);
  for (const a of out.skippedArchitectures) log.debug(`seccomp: ${file}: ${base}/architectures: ${a} is unknown to libseccomp ${support.libseccompVersion}: skipped`);
  const summary: SeccompSummary = {
    defaultAction: String(seccomp.defaultAction),
    rules: plan.input.rules.length - out.skippedRules.length,
    skippedRules: out.skippedRules.length,
    architectures: [...(seccomp.architectures ?? [])],
    flags: plan.flagsUsed.map((f) => f.name),
    notify: plan.notify,
    instructions: out.program.length / 8,
  };
  return { op: { ...seccompOp(out.program, plan.flags, plan.notify), from: base }, stored: storeSeccomp(out.program, plan.flags, plan.notify), summary };
}
