import { BerthError } from '../errors.js';
import { CLONE, JOIN_ORDER, NAMESPACES } from './linux.js';
import { idMapPlan, type IdMapHost } from './id-maps.js';
import type { PlanOp } from './ops.js';

export interface NamespacePlan {
  /** Ops run by stage A before the clone (joins, time namespace). */
  before: PlanOp[];
  /** Flags for the clone that makes the container init. */
  cloneFlags: number;
  newUserns: boolean;
  newMountns: boolean;
  /** setgroups(2) is denied in the new user namespace (a gid map written without CAP_SETGID). */
  setgroupsDenied: boolean;
}

/** linux.namespaces → setns/unshare ops and clone flags (config-linux.md "Namespaces"). */
export function namespacePlan(linux: any, idHost?: IdMapHost): NamespacePlan {
  const list: any[] = linux?.namespaces ?? [];
  const byType = new Map<string, any>(list.map((n) => [n.type, n]));
  const before: PlanOp[] = [];
  let cloneFlags = 0;
  for (const type of JOIN_ORDER) {
    const ns = byType.get(type);
    if (!ns) continue;
    const info = NAMESPACES[type]!;
    if (ns.path) {
      // The field in the text: a path the caller may not join (rootless: a namespace another
      // user owns) fails with EPERM, and the error names what to change.
      const field = `config.json: /linux/namespaces/${list.indexOf(ns)}/path`;
      before.push({ op: 'SETNS', args: [ns.path, String(info.flag)], what: `${field}: join ${type} namespace ${ns.path}`, from: `/linux/namespaces/${list.indexOf(ns)}` });
    } else if (type === 'time') {
      before.push({ op: 'UNSHARE', args: [String(CLONE.NEWTIME)], what: 'create time namespace', from: `/linux/namespaces/${list.indexOf(ns)}` });
      const offsets = linux.timeOffsets ?? {};
      const lines = Object.entries(offsets)
        .map(([clock, o]: [string, any]) => `${clock} ${o.secs ?? 0} ${o.nanosecs ?? 0}\n`)
        .join('');
      if (lines) before.push({ op: 'WRITE_FILE', args: ['/proc/self/timens_offsets', lines], what: 'set time namespace offsets', from: '/linux/timeOffsets' });
    } else {
      cloneFlags |= info.flag;
    }
  }
  const newUserns = (cloneFlags & CLONE.NEWUSER) !== 0;
  let setgroupsDenied = false;
  if (newUserns) {
    const m = idMapPlan(linux, idHost);
    setgroupsDenied = m.setgroups === 'deny';
    const how = [m.uidTool && 'newuidmap', m.gidTool && 'newgidmap'].filter(Boolean).join(', ');
    before.push({
      op: 'USERNS_MAPS',
      args: [m.uidMap, m.gidMap, m.setgroups, m.uidTool, m.gidTool],
      what: `write user namespace id maps${how ? ` (through ${how})` : ''}`,
      from: '/linux/uidMappings',
    });
  }
  const newMountns = (cloneFlags & CLONE.NEWNS) !== 0;
  if (!byType.has('mount')) throw new BerthError('config.json: /linux/namespaces: berth needs a mount namespace (add {"type": "mount"})');
  return { before, cloneFlags, newUserns, newMountns, setgroupsDenied };
}

/** Is container id 0 (root) mapped in both maps? Then the init becomes root in its namespace. */
export function rootMapped(linux: any): boolean {
  const has0 = (maps: any[] | undefined) => (maps ?? []).some((m) => m.containerID === 0 && m.size > 0);
  return has0(linux?.uidMappings) && has0(linux?.gidMappings);
}
