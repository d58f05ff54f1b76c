import { readFileSync } from 'node:fs';
import { which } from './which.js';
import { userInfo } from 'node:os';
import { parseSubIds, type IdMapHost } from '../plan/id-maps.js';

function readOr(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return '';
  }
}

/** The first executable `name` in the usual system dirs (not $PATH: a setuid helper is the system's). */
function systemTool(name: string): string | undefined {
  return which(name, '/usr/bin:/bin:/usr/sbin:/sbin:/usr/local/bin') ?? undefined;
}

/** The caller's ids, its /etc/subuid and /etc/subgid ranges and the map helpers (plan/id-maps.ts). */
export function currentIdMapHost(): IdMapHost {
  const euid = process.geteuid?.() ?? 0;
  const egid = process.getegid?.() ?? 0;
  if (euid === 0) return { euid, egid, subuid: [], subgid: [] };
  let name: string | undefined;
  try {
    name = userInfo().username;
  } catch {
    // no passwd entry: ranges by id only
  }
  return {
    euid,
    egid,
    newuidmap: systemTool('newuidmap'),
    newgidmap: systemTool('newgidmap'),
    subuid: parseSubIds(readOr('/etc/subuid'), { name, id: euid }),
    subgid: parseSubIds(readOr('/etc/subgid'), { name, id: euid }),
  };
}
