/**
 * config-linux.md "Seccomp" names and the numbers they stand for. Actions are the kernel's
 * SECCOMP_RET_* values (libseccomp's SCMP_ACT_* are the same numbers), operators libseccomp's
 * enum scmp_compare, flags seccomp(2)'s SECCOMP_FILTER_FLAG_* bits. Pure.
 */

/** SECCOMP_RET_* of each action; `data`: the low 16 bits carry errnoRet (ERRNO, TRACE). */
export const ACTIONS: Record<string, { ret: number; data: boolean }> = {
  SCMP_ACT_KILL: { ret: 0x00000000, data: false }, // SECCOMP_RET_KILL_THREAD
  SCMP_ACT_KILL_THREAD: { ret: 0x00000000, data: false },
  SCMP_ACT_KILL_PROCESS: { ret: 0x80000000, data: false },
  SCMP_ACT_TRAP: { ret: 0x00030000, data: false },
  SCMP_ACT_ERRNO: { ret: 0x00050000, data: true },
  SCMP_ACT_TRACE: { ret: 0x7ff00000, data: true },
  SCMP_ACT_ALLOW: { ret: 0x7fff0000, data: false },
  SCMP_ACT_LOG: { ret: 0x7ffc0000, data: false },
  SCMP_ACT_NOTIFY: { ret: 0x7fc00000, data: false }, // SECCOMP_RET_USER_NOTIF
};

export const NOTIFY = 'SCMP_ACT_NOTIFY';

/** libseccomp's enum scmp_compare. MASKED_EQ: (arg & value) == valueTwo. */
export const OPERATORS: Record<string, number> = {
  SCMP_CMP_NE: 1,
  SCMP_CMP_LT: 2,
  SCMP_CMP_LE: 3,
  SCMP_CMP_EQ: 4,
  SCMP_CMP_GE: 5,
  SCMP_CMP_GT: 6,
  SCMP_CMP_MASKED_EQ: 7,
};

/** The flags config.json may name. */
export const FLAGS: Record<string, number> = {
  SECCOMP_FILTER_FLAG_TSYNC: 1,
  SECCOMP_FILTER_FLAG_LOG: 2,
  SECCOMP_FILTER_FLAG_SPEC_ALLOW: 4,
  SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV: 32,
};

/** Flags berth adds itself. */
export const FLAG_NEW_LISTENER = 8;
export const FLAG_TSYNC_ESRCH = 16;

/** The architectures of config-linux.md (libseccomp 2.6); libseccomp's name is the lower-case suffix. */
export const ARCHITECTURES = [
  'SCMP_ARCH_X86', 'SCMP_ARCH_X86_64', 'SCMP_ARCH_X32', 'SCMP_ARCH_ARM', 'SCMP_ARCH_AARCH64', 'SCMP_ARCH_MIPS',
  'SCMP_ARCH_MIPS64', 'SCMP_ARCH_MIPS64N32', 'SCMP_ARCH_MIPSEL', 'SCMP_ARCH_MIPSEL64', 'SCMP_ARCH_MIPSEL64N32',
  'SCMP_ARCH_PPC', 'SCMP_ARCH_PPC64', 'SCMP_ARCH_PPC64LE', 'SCMP_ARCH_S390', 'SCMP_ARCH_S390X', 'SCMP_ARCH_PARISC',
  'SCMP_ARCH_PARISC64', 'SCMP_ARCH_RISCV64', 'SCMP_ARCH_LOONGARCH64', 'SCMP_ARCH_M68K', 'SCMP_ARCH_SH', 'SCMP_ARCH_SHEB',
];

export function libseccompArch(name: string): string {
  return name.replace(/^SCMP_ARCH_/, '').toLowerCase();
}

/** The value a flag is probed with: WAIT_KILLABLE_RECV is accepted only with NEW_LISTENER. */
export function probeValue(flag: string): number {
  const v = FLAGS[flag]!;
  return flag === 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV' ? v | FLAG_NEW_LISTENER : v;
}

/**
 * Syscalls berth-init makes after loading a filter with a listener and before the agent has the
 * listener fd: notifying on them would block the init for good (runc refuses `write`, its
 * equivalent). berth-init hands the fd over with sendmsg.
 */
export const NOTIFY_FORBIDDEN = ['sendmsg'];
