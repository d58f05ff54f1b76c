import { native } from '../native/addon.js';

/** Kernel syscalls berth relies on; each "" when available, else the errno name the probe got. */
export interface SyscallSupport {
  /** pidfd_open: signals through a pidfd (pid-reuse safe); without it berth falls back to kill(2). */
  pidfd_open: string;
  /** openat2 RESOLVE_IN_ROOT: every mount target and procfs write the init resolves. */
  openat2: string;
  /** clone3 CLONE_INTO_CGROUP: the init born in its cgroup v2 dir; without it a fork, then a join. */
  clone_into_cgroup: string;
}

let cached: SyscallSupport | undefined;

/** Asked once per process, with no side effect (addon/src/syscall_probe.cc). */
export function probeSyscalls(): SyscallSupport {
  cached ??= native().syscallProbe();
  return cached;
}
