/**
 * A plan step's arguments as a reader wants them (the inverse of what src/plan/ encodes): mount
 * flags and namespace flags by name, capability masks as capability names, ids and paths as
 * they are. Pure; used only by `--dry-run`.
 */
import { CAPABILITIES } from '../plan/capabilities.js';
import { MS, NAMESPACES, RLIMITS } from '../plan/linux.js';
import type { PlanOp } from '../plan/ops.js';
import { bitmapIds, formatIdList } from '../id-list.js';

export type Detail = Record<string, string | number | boolean | string[]>;

const str = (a: string | Buffer | undefined): string => (a === undefined ? '' : typeof a === 'string' ? a : a.toString('utf8'));

/** Mount flags (a decimal number) → MS_* names, lower case as mount(8) spells them. */
export function mountFlagNames(flags: number): string[] {
  const out: string[] = [];
  for (const [name, bit] of Object.entries(MS)) if (flags & bit) out.push(name.toLowerCase());
  return out;
}

/** clone/unshare flags → OCI namespace types. */
export function namespaceNames(flags: number): string[] {
  return Object.entries(NAMESPACES).filter(([, n]) => (flags & n.flag) !== 0).map(([t]) => t);
}

/** A capability mask (hex) → names. */
export function capabilityNames(hex: string): string[] {
  const mask = BigInt(`0x${hex || '0'}`);
  return CAPABILITIES.filter((_, i) => (mask >> BigInt(i)) & 1n);
}

function idMapLines(text: string): string[] {
  return text.split('\n').filter(Boolean).map((l) => {
    const [c, h, n] = l.split(' ');
    return `container ${c} → host ${h} (${n} ids)`;
  });
}

const RLIMIT_NAMES = Object.fromEntries(Object.entries(RLIMITS).map(([k, v]) => [String(v), k]));

/** The detail of one step (its arguments, decoded). */
export function decodeStep(op: PlanOp): Detail {
  const a = op.args.map(str);
  switch (op.op) {
    case 'MOUNT':
      return { source: a[0]!, target: a[1] || '/', type: a[2]!, flags: mountFlagNames(Number(a[3])), data: a[4]! };
    case 'MOUNT_IN_ROOT':
      return { source: a[1]!, target: '/' + (a[2] === '.' ? '' : a[2]), type: a[3]!, flags: mountFlagNames(Number(a[4])), data: a[5]!, kind: a[6]! };
    case 'TMPCOPYUP':
      return { source: 'tmpfs', target: '/' + (a[1] === '.' ? '' : a[1]), type: 'tmpfs', flags: mountFlagNames(Number(a[2])), data: a[3]!, copyUp: true };
    case 'MOUNT_SETATTR_IN_ROOT':
      return { target: '/' + a[1], attrSet: `0x${Number(a[2]).toString(16)}`, attrClr: `0x${Number(a[3]).toString(16)}`, recursive: a[5] === '1' };
    case 'MKNOD_IN_ROOT': {
      const mode = Number(a[2]);
      const kind = (mode & 0o170000) === 0o060000 ? 'b' : (mode & 0o170000) === 0o010000 ? 'p' : 'c';
      return { path: '/' + a[1], type: kind, mode: (mode & 0o7777).toString(8).padStart(4, '0'), major: Number(a[3]), minor: Number(a[4]), uid: Number(a[5]), gid: Number(a[6]) };
    }
    case 'SYMLINK_IN_ROOT':
      return { path: '/' + a[2], target: a[1]! };
    case 'MKDIR_IN_ROOT':
      return { path: a[1] === '.' ? '/' : '/' + a[1], mode: a[2]! };
    case 'SETNS':
      return { path: a[0]!, type: namespaceNames(Number(a[1]))[0] ?? a[1]! };
    case 'UNSHARE':
      return { namespaces: namespaceNames(Number(a[0])) };
    case 'CLONE':
      return { newNamespaces: namespaceNames(Number(a[0])), parent: 'the runtime (CLONE_PARENT)' };
    case 'WRITE_FILE':
      return { path: a[0]!, value: a[1]! };
    case 'USERNS_MAPS':
      return { uidMap: idMapLines(a[0]!), gidMap: idMapLines(a[1]!) };
    case 'CGROUP_JOIN':
      return { file: a[0]! };
    case 'CAP_BOUNDING':
      return { bounding: capabilityNames(a[0]!) };
    case 'CAPS':
      return { effective: capabilityNames(a[0]!), permitted: capabilityNames(a[1]!), inheritable: capabilityNames(a[2]!), ambient: capabilityNames(a[3]!) };
    case 'RLIMIT':
      return { resource: RLIMIT_NAMES[a[0]!] ?? a[0]!, soft: a[1] === '-1' ? 'unlimited' : a[1]!, hard: a[2] === '-1' ? 'unlimited' : a[2]! };
    case 'SETRESUID':
      return { uid: Number(a[0]) };
    case 'SETRESGID':
      return { gid: Number(a[0]) };
    case 'SETGROUPS':
      return { additionalGids: a[0] ? a[0].split(',') : [] };
    case 'SECCOMP':
      return { flags: Number(a[0]), instructions: (op.args[1]?.length ?? 0) / 8 };
    case 'RUN_HOOK': {
      const n = Number(a[3]);
      return { hook: a[0]!, path: a[1]!, timeout: Number(a[2]), args: a.slice(4, 4 + n), env: a.slice(4 + n) };
    }
    case 'EXEC': {
      const n = Number(a[1]);
      return { path: a[0]!, args: a.slice(2, 2 + n), env: a.slice(2 + n) };
    }
    case 'FIND_EXEC':
      return { program: a[0]!, PATH: a[1]! };
    case 'CHDIR':
      return { path: a[0]!, try: a[1]! };
    case 'CONSOLE':
      return { rows: Number(a[0]), cols: Number(a[1]), owner: Number(a[2]) };
    case 'CLOSE_FDS':
      return { from: Number(a[0]) };
    case 'CPU_AFFINITY':
      return { cpus: formatIdList(bitmapIds(op.args[0] as Buffer)) };
    case 'MEMPOLICY':
      return { mode: `0x${Number(a[0]).toString(16)}`, nodes: op.args[1]?.length ? formatIdList(bitmapIds(op.args[1] as Buffer)) : '' };
    default:
      // Arguments the description already names are not repeated.
      return a.length && !a.every((x) => op.what.includes(x)) ? { args: a } : {};
  }
}

