import type { Report } from './findings.js';
import { pointer } from './pointer.js';

/** The kernel's limit on the lines of one uid_map or gid_map (user_namespaces(7)). */
const MAX_MAP_LINES = 340;

/**
 * Id mappings of an idmapped mount as the kernel will take them for a uid_map or gid_map
 * (user_namespaces(7)): at least one line, at most 340, each of size >= 1 within 32-bit ids,
 * no two overlapping on either side.
 */
function checkMappings(maps: any[], at: string, r: Report): void {
  if (maps.length === 0) return r.error(at, 'must not be empty for an idmapped mount');
  if (maps.length > MAX_MAP_LINES) return r.error(at, `has ${maps.length} entries; the kernel takes at most ${MAX_MAP_LINES}`);
  const end = (first: number, m: any) => first + m.size;
  maps.forEach((m, j) => {
    if (!(m.size >= 1)) r.error(`${at}/${j}/size`, 'must be at least 1');
    else if (end(m.containerID, m) > 2 ** 32 || end(m.hostID, m) > 2 ** 32) r.error(`${at}/${j}`, 'goes past the last 32-bit id');
    for (let k = 0; k < j; k++) {
      const o = maps[k];
      const overlaps = (a: number, b: number) => a < b + o.size && b < a + m.size;
      if (overlaps(m.containerID, o.containerID)) r.error(`${at}/${j}`, `containerID range overlaps ${at}/${k}`);
      else if (overlaps(m.hostID, o.hostID)) r.error(`${at}/${j}`, `hostID range overlaps ${at}/${k}`);
    }
  });
}

/**
 * config.md "Mounts" (POSIX): a relative destination is deprecated (taken as relative to "/").
 * Idmapped mounts (runc 1.2's rules): uidMappings and gidMappings come together and make the
 * mount idmapped even without an "idmap" option; "idmap"/"ridmap" without mappings take the
 * container's user namespace, so they need one; only a bind mount can be idmapped.
 */
export function checkMounts(c: any, r: Report): void {
  const userns = (c.linux?.namespaces ?? []).some((n: any) => n.type === 'user');
  (c.mounts ?? []).forEach((m: any, i: number) => {
    if (!m.destination.startsWith('/')) {
      r.warn(pointer('mounts', i, 'destination'), `relative destination ${JSON.stringify(m.destination)} is deprecated; taken as relative to "/"`);
    }
    const uid = m.uidMappings !== undefined;
    const gid = m.gidMappings !== undefined;
    if (uid !== gid) r.error(pointer('mounts', i, uid ? 'gidMappings' : 'uidMappings'), `is required with ${uid ? 'uidMappings' : 'gidMappings'}`);
    if (uid) checkMappings(m.uidMappings, pointer('mounts', i, 'uidMappings'), r);
    if (gid) checkMappings(m.gidMappings, pointer('mounts', i, 'gidMappings'), r);
    const options: string[] = m.options ?? [];
    const idmap = options.find((o) => o === 'idmap' || o === 'ridmap');
    if (idmap !== undefined && !uid && !gid && !userns) {
      r.error(pointer('mounts', i, 'options'), `${idmap} needs uidMappings and gidMappings on the mount or a user namespace`);
    }
    if ((idmap !== undefined || uid || gid) && !options.includes('bind') && !options.includes('rbind')) {
      r.error(pointer('mounts', i, 'options'), `an idmapped mount must be a bind mount ("bind" or "rbind")`);
    }
    if (options.includes('tmpcopyup') && m.type !== 'tmpfs') {
      r.error(pointer('mounts', i, 'options'), `tmpcopyup needs a tmpfs mount (type "tmpfs"), not ${JSON.stringify(m.type ?? '')}`);
    }
  });
}
