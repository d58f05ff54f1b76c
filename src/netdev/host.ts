import { BerthError } from '../errors.js';
import { native } from '../native/addon.js';
import type { NetDeviceMove } from './plan.js';

/** The error for a device the host does not have (create checks before it makes anything, and again at the move). */
export function missingDevice(m: NetDeviceMove): string {
  return `config.json: ${m.from}: the host has no network device ${m.host}`;
}

/**
 * What create checks before it makes anything: moving a host device needs root in the host's
 * user and network namespaces (runc refuses network devices for rootless containers too), and
 * every device must exist on the host (in berth's own network namespace).
 */
export function checkHostDevices(moves: readonly NetDeviceMove[], unprivileged: boolean): void {
  if (moves.length === 0) return;
  if (unprivileged) throw new BerthError('config.json: /linux/netDevices: moving host network devices needs root in the host\'s user namespace (not supported for rootless containers)');
  for (const m of moves) if (!native().netLinkGet(-1, m.host)) throw new BerthError(missingDevice(m));
}
