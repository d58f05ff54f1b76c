import type { Report } from './findings.js';
import { pointer } from './pointer.js';

/**
 * config.md "Mounts" (POSIX): a relative destination is deprecated (taken as relative to "/");
 * uidMappings and gidMappings come together; idmap/ridmap need mappings or a user namespace.
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
    const options: string[] = m.options ?? [];
    const idmap = options.find((o) => o === 'idmap' || o === 'ridmap');
    if (idmap !== undefined && !uid && !gid && !userns) {
      r.error(pointer('mounts', i, 'options'), `${idmap} needs uidMappings and gidMappings on the mount or a user namespace`);
    }
    if ((uid || gid) && idmap === undefined) r.warn(pointer('mounts', i), 'has id mappings but no "idmap" or "ridmap" option');
  });
}
