import { readFileSync } from 'node:fs';

/** Linux capability numbers (include/uapi/linux/capability.h). */
export const CAPABILITIES: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL',
  'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER', 'CAP_SYS_MODULE',
  'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT', 'CAP_SYS_ADMIN', 'CAP_SYS_BOOT',
  'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME', 'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE',
  'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL', 'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN',
  'CAP_SYSLOG', 'CAP_WAKE_ALARM', 'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF',
  'CAP_CHECKPOINT_RESTORE',
];

let lastCap: number | undefined;

/** /proc/sys/kernel/cap_last_cap, or the table's last entry when unreadable. */
export function kernelLastCap(): number {
  if (lastCap === undefined) {
    try {
      lastCap = Number(readFileSync('/proc/sys/kernel/cap_last_cap', 'latin1').trim());
    } catch {
      lastCap = CAPABILITIES.length - 1;
    }
    if (!Number.isInteger(lastCap)) lastCap = CAPABILITIES.length - 1;
  }
  return lastCap;
}

/** Names of the capabilities this kernel knows. */
export function kernelCapabilities(): Set<string> {
  return new Set(CAPABILITIES.slice(0, Math.min(CAPABILITIES.length, kernelLastCap() + 1)));
}

/**
 * A capability list as a hex mask for the init. Names the kernel does not know are skipped
 * (validation already warned about them).
 */
export function capMask(names: readonly string[] | undefined, last = kernelLastCap()): string {
  let mask = 0n;
  for (const n of names ?? []) {
    const i = CAPABILITIES.indexOf(n.toUpperCase().startsWith('CAP_') ? n.toUpperCase() : `CAP_${n.toUpperCase()}`);
    if (i >= 0 && i <= last) mask |= 1n << BigInt(i);
  }
  return mask.toString(16);
}
