import type { Report } from './findings.js';
import { pointer } from './pointer.js';

/**
 * config-linux.md "Namespaces" and what needs one: no duplicate types; a path MUST be absolute;
 * a new user namespace needs uid and gid mappings, and mappings need a user namespace; time
 * offsets need a new time namespace; network devices need a network namespace.
 */
export function checkNamespaces(linux: any, r: Report): void {
  const list: any[] = linux.namespaces ?? [];
  const byType = new Map<string, number>();
  list.forEach((ns, i) => {
    const first = byType.get(ns.type);
    if (first !== undefined) r.error(pointer('linux', 'namespaces', i, 'type'), `duplicate namespace ${ns.type} (also at /linux/namespaces/${first})`);
    else byType.set(ns.type, i);
    if (ns.path !== undefined && !ns.path.startsWith('/')) r.error(pointer('linux', 'namespaces', i, 'path'), `must be an absolute path, not ${JSON.stringify(ns.path)}`);
  });
  const find = (type: string) => list.find((n) => n.type === type);

  const userns = find('user');
  for (const maps of ['uidMappings', 'gidMappings']) {
    const given = (linux[maps]?.length ?? 0) > 0;
    if (userns && userns.path === undefined && !given) r.error(`/linux/${maps}`, 'is required for a new user namespace');
    if (given && !userns) r.error(`/linux/${maps}`, 'needs a user namespace in /linux/namespaces');
    if (given && userns?.path !== undefined) r.warn(`/linux/${maps}`, `not applied: the user namespace is joined from ${userns.path}`);
  }

  if (linux.timeOffsets && Object.keys(linux.timeOffsets).length > 0) {
    const timens = find('time');
    if (!timens || timens.path !== undefined) r.error('/linux/timeOffsets', 'needs a new time namespace (type "time" without a path) in /linux/namespaces');
  }
  if (linux.netDevices && Object.keys(linux.netDevices).length > 0 && !find('network')) {
    r.error('/linux/netDevices', 'needs a network namespace in /linux/namespaces');
  }
}
