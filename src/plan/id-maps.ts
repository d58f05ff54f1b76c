/**
 * The user namespace's id maps and who writes them (user_namespaces(7)). Root writes
 * /proc/PID/uid_map and gid_map itself. A caller that is not root may write only a map of its
 * own id (one line, size 1) and, for gid_map, only after denying setgroups; anything more goes
 * through the setuid helpers newuidmap/newgidmap (package uidmap), which allow the ranges
 * /etc/subuid and /etc/subgid give the user — what runc does. Checked here, so a map the user
 * may not have is an error naming its field before anything is made. Pure.
 */
import { BerthError } from '../errors.js';

export interface IdRange {
  start: number;
  count: number;
}

export interface IdMapHost {
  euid: number;
  egid: number;
  /** Paths of newuidmap/newgidmap, where installed. */
  newuidmap?: string;
  newgidmap?: string;
  /** The caller's ranges in /etc/subuid and /etc/subgid. */
  subuid: IdRange[];
  subgid: IdRange[];
}

export interface IdMapPlan {
  uidMap: string;
  gidMap: string;
  /** "deny" before gid_map when the caller writes it without CAP_SETGID; "" leaves it. */
  setgroups: '' | 'deny';
  uidTool: string;
  gidTool: string;
}

interface Mapping {
  containerID: number;
  hostID: number;
  size: number;
}

function mapText(maps: Mapping[]): string {
  return maps.map((m) => `${m.containerID} ${m.hostID} ${m.size}\n`).join('');
}

/** Lines of /etc/subuid (or subgid) for a user, by name or by id: "name:start:count". */
export function parseSubIds(text: string, user: { name?: string; id: number }): IdRange[] {
  const out: IdRange[] = [];
  for (const line of text.split('\n')) {
    const [who, start, count] = line.trim().split(':');
    if (!who || start === undefined || count === undefined || !/^\d+$/.test(start) || !/^\d+$/.test(count)) continue;
    if (who === user.name || who === String(user.id)) out.push({ start: Number(start), count: Number(count) });
  }
  return out;
}

function within(m: Mapping, own: number, ranges: IdRange[]): boolean {
  if (m.size === 1 && m.hostID === own) return true;
  return ranges.some((r) => m.hostID >= r.start && m.hostID + m.size <= r.start + r.count);
}

function onePlan(kind: 'uid' | 'gid', maps: Mapping[], own: number, ranges: IdRange[], tool: string | undefined, jsonPath: string): { text: string; tool: string } {
  const text = mapText(maps);
  const field = kind === 'uid' ? 'uidMappings' : 'gidMappings';
  if (maps.length === 1 && maps[0]!.size === 1 && maps[0]!.hostID === own) return { text, tool: '' };
  const file = kind === 'uid' ? '/etc/subuid' : '/etc/subgid';
  const helper = kind === 'uid' ? 'newuidmap' : 'newgidmap';
  maps.forEach((m, i) => {
    if (!within(m, own, ranges)) {
      const last = m.hostID + m.size - 1;
      throw new BerthError(
        `${jsonPath}: /linux/${field}/${i}: host ${kind}s ${m.hostID}${m.size > 1 ? `-${last}` : ''} are not ${kind} ${own}'s to map: ` +
          `not root, berth may map only ${kind} ${own} itself and the ranges ${file} gives it (${ranges.length ? ranges.map((r) => `${r.start}-${r.start + r.count - 1}`).join(', ') : 'none'})`,
      );
    }
  });
  if (!tool) throw new BerthError(`${jsonPath}: /linux/${field}: mapping more than ${kind} ${own} itself needs ${helper} (Debian package uidmap), which is not installed`);
  return { text, tool };
}

/** The maps of a new user namespace: text, helpers and setgroups (see above). */
export function idMapPlan(linux: any, host: IdMapHost | undefined, jsonPath = 'config.json'): IdMapPlan {
  const uids: Mapping[] = linux?.uidMappings ?? [];
  const gids: Mapping[] = linux?.gidMappings ?? [];
  if (!host || host.euid === 0) return { uidMap: mapText(uids), gidMap: mapText(gids), setgroups: '', uidTool: '', gidTool: '' };
  if (uids.length === 0) throw new BerthError(`${jsonPath}: /linux/uidMappings: a new user namespace needs a uid map when berth is not root`);
  if (gids.length === 0) throw new BerthError(`${jsonPath}: /linux/gidMappings: a new user namespace needs a gid map when berth is not root`);
  const u = onePlan('uid', uids, host.euid, host.subuid, host.newuidmap, jsonPath);
  const g = onePlan('gid', gids, host.egid, host.subgid, host.newgidmap, jsonPath);
  return { uidMap: u.text, gidMap: g.text, setgroups: g.tool ? '' : 'deny', uidTool: u.tool, gidTool: g.tool };
}
