/**
 * The dry-run document: the plan `create` (or `run`, `exec`) would carry out, grouped and
 * decoded, with the source of every step (schemas/dryrun.schema.json). Built from the very plan
 * the native init would get, not from the config a second time. Pure.
 */
import type { CgroupDryRun } from '../cgroups/dry-run.js';
import type { SeccompSummary } from '../seccomp/build.js';
import type { PlanOp } from '../plan/ops.js';
import { decodeStep, type Detail } from './decode.js';
import { describeMove, type NetDeviceMove } from '../netdev/plan.js';

export const DRY_RUN_FORMAT = 1;

export interface DryRunStep {
  /** 1-based position in the plan the init executes. */
  index: number;
  op: string;
  what: string;
  /** JSON pointer into `fields`, a command-line flag, or absent: berth's own step. */
  from?: string;
  detail: Detail;
}

export interface DryRunHook {
  kind: string;
  index: number;
  path: string;
  args: string[];
  env: string[];
  timeout?: number;
  /** Who runs it, where and when. */
  runs: string;
  from: string;
}

export interface DryRunDocument {
  dryRun: number;
  command: 'create' | 'run' | 'exec';
  id: string;
  bundle?: string;
  rootfs?: string;
  /** The document `from` pointers point into: "config.json" or "process.json". */
  fields: string;
  warnings: string[];
  host: { cgroup: CgroupDryRun | null; steps: DryRunStep[] };
  container: { steps: DryRunStep[] };
  hooks: DryRunHook[];
  /** linux.netDevices, moved by the runtime once the init exists (absent without any). */
  netDevices?: { host: string; name: string; what: string; from: string }[];
  seccomp: (SeccompSummary & { from: string }) | null;
  process: { args: string[]; env: string[]; cwd: string; uid: number; gid: number; terminal: boolean; noNewPrivileges: boolean; from: string };
}

const HOOK_MOMENTS: Record<string, string> = {
  prestart: 'by the runtime, in its own namespaces, at create: after the container\'s namespaces and mounts are made, before pivot_root (deprecated: createRuntime)',
  createRuntime: 'by the runtime, in its own namespaces, at create: after the container\'s namespaces and mounts are made, before pivot_root',
  createContainer: 'by the container init, in the container\'s namespaces, at create: before pivot_root',
  startContainer: 'by the container init, at start: after no_new_privs and the seccomp filter, just before the program',
  poststart: 'by the runtime, at start: once the program runs (a failure is a warning)',
  poststop: 'by the runtime, at delete: once the container is gone (a failure is a warning)',
};

/** Every hook of the config, in the order of the lifecycle. */
export function hookList(hooks: any): DryRunHook[] {
  const out: DryRunHook[] = [];
  for (const kind of Object.keys(HOOK_MOMENTS)) {
    (hooks?.[kind] ?? []).forEach((h: any, i: number) => {
      out.push({
        kind, index: i, path: h.path, args: h.args ?? [h.path], env: h.env ?? [],
        ...(h.timeout !== undefined ? { timeout: h.timeout } : {}),
        runs: HOOK_MOMENTS[kind]!, from: `/hooks/${kind}/${i}`,
      });
    });
  }
  return out;
}

/** The plan split where the init clones: before it the host side, after it the container's. */
export function splitSteps(ops: readonly PlanOp[]): { host: DryRunStep[]; container: DryRunStep[] } {
  const steps = ops.map((op, i): DryRunStep => ({ index: i + 1, op: op.op, what: op.what, ...(op.from ? { from: op.from } : {}), detail: decodeStep(op) }));
  const clone = ops.findIndex((op) => op.op === 'CLONE');
  return { host: steps.slice(0, clone + 1), container: steps.slice(clone + 1) };
}

export interface DocumentInput {
  command: DryRunDocument['command'];
  id: string;
  bundle?: { dir: string; rootfs: string };
  fields: string;
  /** Pointer of the process object in `fields`: "/process" or "". */
  processAt: string;
  process: any;
  ops: readonly PlanOp[];
  cgroup: CgroupDryRun | null;
  hooks: any;
  netDevices?: readonly NetDeviceMove[];
  seccomp?: SeccompSummary;
  warnings: string[];
}

export function dryRunDocument(inp: DocumentInput): DryRunDocument {
  const { host, container } = splitSteps(inp.ops);
  const exec = inp.ops.find((op) => op.op === 'EXEC');
  const d = exec ? decodeStep(exec) : { args: [], env: [] };
  const p = inp.process ?? {};
  return {
    dryRun: DRY_RUN_FORMAT,
    command: inp.command,
    id: inp.id,
    ...(inp.bundle ? { bundle: inp.bundle.dir, rootfs: inp.bundle.rootfs } : {}),
    fields: inp.fields,
    warnings: inp.warnings,
    host: { cgroup: inp.cgroup, steps: host },
    container: { steps: container },
    hooks: hookList(inp.hooks),
    ...(inp.netDevices?.length ? { netDevices: inp.netDevices.map((m) => ({ host: m.host, name: m.name, what: describeMove(m), from: m.from })) } : {}),
    seccomp: inp.seccomp ? { ...inp.seccomp, from: '/linux/seccomp' } : null,
    process: {
      args: d.args as string[],
      env: d.env as string[],
      cwd: p.cwd ?? '/',
      uid: p.user?.uid ?? 0,
      gid: p.user?.gid ?? 0,
      terminal: Boolean(p.terminal),
      noNewPrivileges: Boolean(p.noNewPrivileges),
      from: inp.processAt || '/',
    },
  };
}
