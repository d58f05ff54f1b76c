import type { Report } from './findings.js';
import { pointer } from './pointer.js';
import { checkIdList } from './process-rules.js';

/** Modes set_mempolicy(2) takes with no nodes, and modes that need at least one. */
const NO_NODES = new Set(['MPOL_DEFAULT', 'MPOL_LOCAL']);
const NEED_NODES = new Set(['MPOL_BIND', 'MPOL_INTERLEAVE', 'MPOL_WEIGHTED_INTERLEAVE', 'MPOL_PREFERRED_MANY']);

/**
 * The smaller config-linux.md sections: maskedPaths/readonlyPaths MUST be absolute; intelRdt
 * (closID one directory or "/", schemata lines without newlines, l3CacheSchema SHOULD start with
 * "L3:"); memoryPolicy nodes as its mode needs, a node list, not both STATIC and RELATIVE;
 * personality has no supported flags.
 */
export function checkLinuxSettings(linux: any, r: Report): void {
  for (const key of ['maskedPaths', 'readonlyPaths']) {
    (linux[key] ?? []).forEach((p: string, i: number) => {
      if (!p.startsWith('/')) r.error(pointer('linux', key, i), `must be an absolute path, not ${JSON.stringify(p)}`);
    });
  }

  const rdt = linux.intelRdt;
  if (rdt) {
    const id = rdt.closID;
    if (id !== undefined && id !== '/' && (id === '' || id === '.' || id === '..' || id.includes('/'))) {
      r.error('/linux/intelRdt/closID', 'must be "/" or one directory name');
    }
    (rdt.schemata ?? []).forEach((line: string, i: number) => {
      if (line.includes('\n')) r.error(pointer('linux', 'intelRdt', 'schemata', i), 'must not contain a newline');
    });
    const l3 = rdt.l3CacheSchema;
    if (l3 !== undefined && (!l3.startsWith('L3:') || l3.includes('\n'))) r.warn('/linux/intelRdt/l3CacheSchema', 'should start with "L3:" and have no newlines');
  }

  // The label goes into the mount data as context="LABEL" (plan/mount-label.ts).
  if (typeof linux.mountLabel === 'string' && /["\n]/.test(linux.mountLabel)) r.error('/linux/mountLabel', 'must not contain a double quote or a newline');

  const mp = linux.memoryPolicy;
  if (mp) {
    const nodes = (mp.nodes ?? '').trim() !== '';
    if (nodes && NO_NODES.has(mp.mode)) r.error('/linux/memoryPolicy/nodes', `must be empty for ${mp.mode}`);
    if (!nodes && NEED_NODES.has(mp.mode)) r.error('/linux/memoryPolicy/nodes', `is required for ${mp.mode}`);
    if (typeof mp.nodes === 'string') checkIdList(mp.nodes, 'node', '/linux/memoryPolicy/nodes', r);
    const flags: string[] = mp.flags ?? [];
    if (flags.includes('MPOL_F_STATIC_NODES') && flags.includes('MPOL_F_RELATIVE_NODES')) {
      r.error('/linux/memoryPolicy/flags', 'MPOL_F_STATIC_NODES and MPOL_F_RELATIVE_NODES exclude each other (set_mempolicy(2))');
    }
  }

  if ((linux.personality?.flags?.length ?? 0) > 0) r.error('/linux/personality/flags', 'no personality flags are supported (runtime-spec 1.3)');
}
