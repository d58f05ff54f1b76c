/**
 * linux.memoryPolicy (config-linux.md "Memory policy"): one set_mempolicy(2) in the init before
 * the user's program, for the container's init and every exec'd process (runc applies it to
 * both). Pure: the host's online nodes come in as an argument.
 */
import { BerthError } from '../errors.js';
import { formatIdList, idBitmap, parseIdList } from '../id-list.js';
import type { PlanOp } from './ops.js';

/** linux/mempolicy.h's modes. */
export const MPOL_MODES: Record<string, number> = {
  MPOL_DEFAULT: 0,
  MPOL_PREFERRED: 1,
  MPOL_BIND: 2,
  MPOL_INTERLEAVE: 3,
  MPOL_LOCAL: 4,
  MPOL_PREFERRED_MANY: 5,
  MPOL_WEIGHTED_INTERLEAVE: 6,
};

/** linux/mempolicy.h's mode flags, or'ed into the mode. */
export const MPOL_FLAGS: Record<string, number> = {
  MPOL_F_STATIC_NODES: 1 << 15,
  MPOL_F_RELATIVE_NODES: 1 << 14,
  MPOL_F_NUMA_BALANCING: 1 << 13,
};

const EINVAL = 22;
const AT = '/linux/memoryPolicy';

/** The mode and flags as the one number set_mempolicy takes. */
export function mempolicyMode(mode: string, flags: readonly string[] = []): number {
  const m = MPOL_MODES[mode];
  if (m === undefined) throw new BerthError(`config.json: ${AT}/mode: unknown mode ${mode}`);
  return flags.reduce((acc, f) => {
    const bit = MPOL_FLAGS[f];
    if (bit === undefined) throw new BerthError(`config.json: ${AT}/flags: unknown flag ${f}`);
    return acc | bit;
  }, m);
}

/**
 * The MEMPOLICY step, or none without a memoryPolicy. `onlineNodes` (/sys/devices/system/node/
 * online; absent: not checked) refuses a node the host lacks, which the kernel would drop
 * without a word when another is there: except with MPOL_F_STATIC_NODES (nodes kept for when
 * they come) and MPOL_F_RELATIVE_NODES (numbers relative to the allowed nodes).
 */
export function memoryPolicyOp(mp: any, onlineNodes?: readonly number[]): PlanOp | undefined {
  if (!mp) return undefined;
  const flags: string[] = mp.flags ?? [];
  const mode = mempolicyMode(mp.mode, flags);
  let nodes: number[];
  try {
    nodes = parseIdList(mp.nodes ?? '');
  } catch (e) {
    throw new BerthError(`config.json: ${AT}/nodes: ${(e as Error).message}`);
  }
  const list = formatIdList(nodes);
  const floating = flags.includes('MPOL_F_STATIC_NODES') || flags.includes('MPOL_F_RELATIVE_NODES');
  const missing = onlineNodes && !floating ? nodes.filter((n) => !onlineNodes.includes(n)) : [];
  if (missing.length > 0) {
    throw new BerthError(`config.json: ${AT}/nodes: this host has no NUMA node ${formatIdList(missing)} (online: ${formatIdList([...onlineNodes!])})`);
  }
  const desc = [mp.mode, ...flags].join('|');
  return {
    op: 'MEMPOLICY',
    args: [String(mode), nodes.length ? idBitmap(nodes) : ''],
    what: `set the memory policy ${desc}${list ? ` on nodes ${list}` : ''}`,
    from: AT,
    explain(syscall, errno) {
      if (syscall !== 'set_mempolicy' || errno !== EINVAL) return undefined;
      const why = list ? `none of the nodes ${list} is allowed to the container (cpuset.mems)` : 'the mode needs nodes';
      // With flags the kernel may refuse the combination instead: name the whole object then.
      return `config.json: ${flags.length ? AT : `${AT}/nodes`}: the kernel refuses ${desc} (set_mempolicy: EINVAL): ${why}${flags.length ? ', or the mode does not take these flags' : ''}`;
    },
  };
}
