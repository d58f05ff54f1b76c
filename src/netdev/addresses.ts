import type { NetAddress } from '../native/addon.js';

/** IFA_F_PERMANENT (linux/if_addr.h): configured, not learned (DHCP, SLAAC). */
const IFA_F_PERMANENT = 0x80;
/** RT_SCOPE_UNIVERSE: global scope. */
const RT_SCOPE_UNIVERSE = 0;
/**
 * The IFA_F_* flags that describe how an address was configured (and that RTM_NEWADDR takes):
 * NODAD, MANAGETEMPADDR, NOPREFIXROUTE, MCAUTOJOIN. The others are the kernel's state of the
 * address (tentative, secondary, deprecated, ...), which it works out again inside.
 */
const CONFIG_FLAGS = 0x02 | 0x100 | 0x200 | 0x400;

/**
 * What moves with a device (config-linux.md "Network Devices": "all permanent IP addresses
 * (IFA_F_PERMANENT flag) of any family with global scope (RT_SCOPE_UNIVERSE value)"): the kernel
 * drops every address when a device changes namespace, so these are read before the move and
 * added back inside, with their local and peer address, prefix length, broadcast and configuration
 * flags. The label is left out: the kernel gives the device's (new) name.
 */
export function addressesToCarry(addrs: readonly NetAddress[]): NetAddress[] {
  return addrs
    .filter((a) => (a.flags & IFA_F_PERMANENT) !== 0 && a.scope === RT_SCOPE_UNIVERSE)
    .map((a) => ({
      family: a.family,
      prefixlen: a.prefixlen,
      scope: a.scope,
      flags: a.flags & CONFIG_FLAGS,
      ...(a.local !== undefined ? { local: a.local } : {}),
      ...(a.address !== undefined ? { address: a.address } : {}),
      ...(a.broadcast !== undefined ? { broadcast: a.broadcast } : {}),
    }));
}

/** "10.0.0.1/24" (the local address where there is one). */
export function showAddress(a: NetAddress): string {
  return `${a.local ?? a.address}/${a.prefixlen}`;
}
