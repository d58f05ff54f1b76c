import { pointer } from '../validate/pointer.js';
import { isNameTemplate } from './names.js';

/** One entry of linux.netDevices, as berth moves it (src/netdev/move.ts). */
export interface NetDeviceMove {
  /** The device's name on the host (the entry's key). */
  host: string;
  /** Its name in the container: `name`, else the host's; a template ("eth%d") lets the kernel number it. */
  name: string;
  /** The entry's JSON pointer (`/linux/netDevices/eth0`). */
  from: string;
}

/** The devices to move, in the config's order (validate/netdevices.ts has checked the names). */
export function netDeviceMoves(linux: any): NetDeviceMove[] {
  return Object.entries(linux?.netDevices ?? {}).map(([host, d]: [string, any]) => ({
    host,
    name: typeof d?.name === 'string' && d.name !== '' ? d.name : host,
    from: pointer('linux', 'netDevices', host),
  }));
}

/** The words for a move, as `create --dry-run` and errors give them. */
export function describeMove(m: NetDeviceMove): string {
  const as = m.name === m.host ? '' : isNameTemplate(m.name) ? ` as ${m.name} (numbered by the kernel)` : ` as ${m.name}`;
  return `move network device ${m.host} into the container's network namespace${as}, with its permanent global addresses, and set it up`;
}

/**
 * The name a device has between its move and its rename (move.ts): unique in the container's
 * namespace, so the move never collides; `random` is 10 hex digits.
 */
export function transitName(random: string): string {
  return `berth${random}`.slice(0, 15);
}
