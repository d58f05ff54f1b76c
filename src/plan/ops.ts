/**
 * Operation codes of the plan the native init executes (docs/PLAN-FORMAT.md).
 * Must match addon/init/ops.h; test/unit/plan-ops.test.ts compares the two.
 */
export const Op = {
  CONSOLE_CONNECT: 1,
  START_LISTEN: 2,
  CGROUP_JOIN: 3,
  SETNS: 4,
  UNSHARE: 5,
  WRITE_FILE: 6,
  USERNS_MAPS: 7,
  CLONE: 8,
  BECOME_ROOT: 9,
  SETSID: 10,
  MOUNT: 11,
  MOUNT_IN_ROOT: 12,
  MOUNT_SETATTR_IN_ROOT: 13,
  MKNOD_IN_ROOT: 14,
  SYMLINK_IN_ROOT: 15,
  MKDIR_IN_ROOT: 16,
  SYNC_HOOKS: 17,
  RUN_HOOK: 18,
  PIVOT_ROOT: 19,
  MOVE_ROOT: 20,
  MASK_PATH: 21,
  READONLY_PATH: 22,
  SETHOSTNAME: 23,
  SETDOMAINNAME: 24,
  REMOUNT_RO: 25,
  RLIMIT: 26,
  PERSONALITY: 27,
  SCHEDULER: 28,
  IOPRIO: 29,
  CONSOLE: 30,
  CHDIR: 31,
  UMASK: 32,
  CAP_BOUNDING: 33,
  KEEPCAPS: 34,
  SETGROUPS: 35,
  SETRESGID: 36,
  SETRESUID: 37,
  CAPS: 38,
  NO_NEW_PRIVS: 39,
  SECCOMP: 40,
  CLOSE_FDS: 41,
  READY: 42,
  WAIT_START: 43,
  EXEC: 44,
  OOM_SCORE_ADJ: 45,
  KEYRING: 46,
  FIND_EXEC: 47,
  IDMAP_TREE: 48,
  MOVE_MOUNT_IN_ROOT: 49,
  REOPEN_DEV_NULL: 50,
  TMPCOPYUP: 51,
  CPU_AFFINITY: 52,
  MEMPOLICY: 53,
  JOIN_BY_RUNTIME: 54,
} as const;

export type OpName = keyof typeof Op;

/** One step of a plan: the op, its arguments, and what it means to a user (never sent). */
export interface PlanOp {
  op: OpName;
  args: (string | Buffer)[];
  /** e.g. "mount proc on /proc"; used to render errors from the init. */
  what: string;
  /** A message of its own for a failure this step can explain better (syscall, errno), else undefined. */
  explain?: (syscall: string, errno: number) => string | undefined;
  /**
   * Where the step comes from (never sent): a JSON pointer into the document the plan was built
   * from (`/mounts/3`, `/process/capabilities`), a command-line flag (`--console-socket`), or
   * absent for berth's own steps. `create --dry-run` prints it (src/dryrun/).
   */
  from?: string;
}

/** Tag each op that has no `from` yet with `from` (in place); returns ops. */
export function withFrom(ops: PlanOp[], from: string): PlanOp[] {
  for (const op of ops) op.from ??= from;
  return ops;
}
