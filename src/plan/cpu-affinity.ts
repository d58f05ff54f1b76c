/**
 * CPU affinity of the container's processes (config.md process.execCPUAffinity; runc >= 1.3's
 * rules). A runtime started pinned (systemd's CPUAffinity=, a pinned shim) must not pin the
 * container: since Linux 6.2 the affinity a process asked for survives a move into another
 * cpuset, so joining the container's cgroup no longer undoes an inherited pin. So the init's
 * affinity is reset to every CPU once it is in the cgroup (the cpuset then limits it), and an
 * exec's too unless its execCPUAffinity says otherwise. Pure.
 */
import { BerthError } from '../errors.js';
import { formatIdList, idBitmap, parseIdList } from '../id-list.js';
import type { PlanOp } from './ops.js';

const EINVAL = 22;

/** Every CPU a kernel can have (NR_CPUS is at most 8192): the kernel keeps those it has. */
const EVERY_CPU = Buffer.alloc(8192 / 8, 0xff);

/** After the cgroup join: drop an inherited pin; the cgroup's cpuset still limits the process. */
export function resetAffinityOp(): PlanOp {
  return { op: 'CPU_AFFINITY', args: [EVERY_CPU], what: "reset the CPU affinity to every CPU the cgroup's cpuset allows" };
}

interface ExecCpuAffinity {
  initial?: string;
  final?: string;
}

/** Where an execCPUAffinity comes from: its document and the pointer of the object in it. */
export interface AffinitySource {
  affinity: ExecCpuAffinity | undefined;
  doc: string;
  at: string;
}

const given = (s: string | undefined): s is string => s !== undefined && s.trim() !== '';

/** The step that sets `list` (a field of src) as the affinity, with the field in its errors. */
function affinityOp(src: AffinitySource, field: 'initial' | 'final'): PlanOp {
  const list = src.affinity![field]!;
  const where = `${src.doc}: ${src.at}/${field}`;
  let cpus: number[];
  try {
    cpus = parseIdList(list);
  } catch (e) {
    throw new BerthError(`${where}: ${(e as Error).message}`);
  }
  if (cpus.length === 0) throw new BerthError(`${where}: names no CPU`);
  const limit = field === 'initial' ? "berth's own cpuset" : "the container's cpuset";
  return {
    op: 'CPU_AFFINITY',
    args: [idBitmap(cpus)],
    what: `set the ${field} CPU affinity ${formatIdList(cpus)}`,
    from: `${src.at}/${field}`,
    explain: (syscall, errno) =>
      syscall === 'sched_setaffinity' && errno === EINVAL ? `${where}: none of the CPUs ${formatIdList(cpus)} is online and allowed by ${limit}` : undefined,
  };
}

/**
 * exec's affinity steps: `before` the cgroup join (`initial`), `after` it (`final`, or the reset
 * when neither is given). The process's own execCPUAffinity counts when it names a CPU list;
 * else config.json's process.execCPUAffinity is the default for every exec (runc). With only
 * `initial`, nothing is set after the join: the kernel decides (config.md), which keeps the
 * initial CPUs where the cgroup's cpuset allows them.
 */
export function execAffinityOps(own: AffinitySource, fallback: AffinitySource): { before: PlanOp[]; after: PlanOp[] } {
  const names = (s: AffinitySource) => given(s.affinity?.initial) || given(s.affinity?.final);
  const src = names(own) ? own : names(fallback) ? fallback : undefined;
  if (!src) return { before: [], after: [resetAffinityOp()] };
  return {
    before: given(src.affinity!.initial) ? [affinityOp(src, 'initial')] : [],
    after: given(src.affinity!.final) ? [affinityOp(src, 'final')] : [],
  };
}
