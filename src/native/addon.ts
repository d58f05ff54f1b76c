import { createRequire } from 'node:module';
import { distFile } from '../dist-path.js';

/** How a waited-for process ended: exactly one of the two is a number. */
export interface WaitStatus {
  /** exit status when it exited */
  code: number | null;
  /** signal number when a signal killed it */
  signal: number | null;
}

/**
 * The N-API addon (addon/src/*.cc, built as dist/native/berth.node). Failed calls throw an
 * Error with message `<syscall> <path>: <strerror>` and properties errno, code (e.g. 'ENOENT'),
 * syscall and path (see ./errors.ts). Every fd it returns is close-on-exec.
 */
export interface Native {
  /**
   * Start berth-init from a sealed memfd copy of init (CVE-2019-5736: a path to copy, or the
   * executable's bytes) with argv
   * ["berth-init", SYNC_FD, PLAN_FD], an empty environment, fds 0..2 and 3..3+preserveFds-1
   * inherited (close-on-exec cleared), the plan in a memfd (docs/PLAN-FORMAT.md "Processes").
   * Returns the init's pid and the runtime's end of the SOCK_SEQPACKET sync socket. If the exec
   * itself fails, the child reports `error\t-1\texecveat\t<errno>\t` on the sync socket.
   * With cgroupDir (an absolute cgroup v2 dir) the init is created in that cgroup with
   * clone3(CLONE_INTO_CGROUP) (intoCgroup: true); a kernel without it (clone3 failing ENOSYS,
   * E2BIG or EINVAL, named in clone3Error) gets a plain fork (intoCgroup: false). Any other clone3
   * failure throws with syscall 'clone3' and path cgroupDir (EBUSY, EACCES, ...).
   */
  spawnInit(
    init: string | Buffer,
    plan: Buffer,
    preserveFds: number,
    cgroupDir?: string,
  ): { pid: number; syncFd: number; intoCgroup: boolean; clone3Error?: string };
  /** One datagram (up to 64 KiB); null at EOF. Throws code 'ETIMEDOUT'; timeoutMs < 0: no limit. */
  syncRecv(fd: number, timeoutMs: number): string | null;
  /** One datagram. */
  syncSend(fd: number, msg: string): void;
  closeFd(fd: number): void;
  /** A connected SOCK_SEQPACKET pair (tests). */
  socketPair(): [number, number];
  /** Blocking waitpid (EINTR retried); throws code 'ECHILD' for a process that is not our child. */
  waitPid(pid: number): WaitStatus;
  /**
   * waitPid on a worker thread, so the event loop (signal forwarding) keeps running. With
   * reapOthers it waits for any child until pid ends, reaping (and dropping) the others: a
   * subreaper's orphans. Only where no other child's status matters (no child_process running).
   */
  waitPidAsync(pid: number, reapOthers?: boolean): Promise<WaitStatus>;
  /** pidfd_open + pidfd_send_signal; throws code 'ESRCH' when the process is gone. */
  signalPid(pid: number, signal: number): void;
  /** pidfd_open(pid): a pidfd (close-on-exec) naming that process, to close with closeFd; throws its errno (ESRCH, EINVAL). */
  pidfdOpen(pid: number): number;
  /** pidfd_send_signal on a pidfd (from pidfdOpen, or received over --pidfd-socket). */
  pidfdSignal(pidfd: number, signal: number): void;
  /** prctl(PR_SET_CHILD_SUBREAPER, 1). */
  setSubreaper(): void;
  /** open(O_RDWR|O_CREAT, 0600) + flock(LOCK_EX, LOCK_NB unless wait): the fd holds the lock
   * until closeFd or exit. A held lock without wait throws code 'EAGAIN' (EWOULDBLOCK). */
  lockFile(path: string, wait: boolean): number;
  /**
   * Release a created container: connect to its start socket (SOCK_SEQPACKET), send "start",
   * wait for EOF (it exec'd). An `error\t...` report from the init is thrown as an Error whose
   * message and `initError` are the report; 'ECONNREFUSED'/'ENOENT': nobody is waiting.
   * When the init loads an SCMP_ACT_NOTIFY filter at start it sends its listener fd first:
   * onSeccomp(fd) gets it (and owns it); the init goes on when it returns and exits when it throws.
   */
  startContainer(path: string, timeoutMs: number, onSeccomp?: (fd: number) => void): void;
  /** SOCK_STREAM connect; paths longer than sun_path go through /proc/self/fd/<dir>/<name>. */
  connectUnix(path: string): number;
  /** SOCK_STREAM bound and listening at path (a console-socket server). */
  listenUnix(path: string): number;
  /** accept one connection on a listening fd, waiting up to timeoutMs ('ETIMEDOUT'). */
  acceptFd(fd: number, timeoutMs: number): number;
  /** Receive one fd sent with SCM_RIGHTS (the pty master), waiting up to timeoutMs. */
  recvFd(sockFd: number, timeoutMs: number): number;
  /**
   * Compile a filter with libseccomp into a raw BPF program (struct sock_filter array) for the
   * init's SECCOMP op. Rules whose syscall name libseccomp does not know, and architectures it
   * does not know, are skipped and listed. Errors carry errno, the libseccomp call and the rule's `at`.
   */
  seccompCompile(input: SeccompCompileInput): { program: Buffer; skippedRules: number[]; skippedArchitectures: string[] };
  /** Whether the kernel has pidfd_open, openat2 and clone3 CLONE_INTO_CGROUP: "" or the errno name (no side effect). */
  syscallProbe(): { pidfd_open: string; openat2: string; clone_into_cgroup: string };
  /** Which SECCOMP_RET_* actions and filter flags this kernel accepts, which architecture names
   * this libseccomp knows, and its version. Loads nothing. */
  seccompProbe(input: { actions: number[]; flags: number[]; architectures: string[] }): {
    actions: boolean[];
    flags: boolean[];
    architectures: boolean[];
    version: string;
  };
  /** sendmsg of data with fd (SCM_RIGHTS) on a connected socket, the rest of data in plain sends. */
  sendFdMessage(sockFd: number, fd: number, data: string): void;
  /** One recvmsg (up to 64 KiB) and the first fd that came with it (-1 when none), waiting up to timeoutMs. */
  recvFdMessage(sockFd: number, timeoutMs: number): { fd: number; data: Buffer };
  /** SECCOMP_IOCTL_NOTIF_RECV on a listener fd, waiting up to timeoutMs (a seccomp agent's side). */
  seccompNotifyRecv(listenerFd: number, timeoutMs: number): { id: bigint; pid: number; nr: number; arch: number; args: bigint[] };
  /** SECCOMP_IOCTL_NOTIF_SEND: the notified syscall returns val, or fails when error is a negative errno;
   * flags 1 (SECCOMP_USER_NOTIF_FLAG_CONTINUE) lets the kernel run it. */
  seccompNotifyRespond(listenerFd: number, id: bigint, val: bigint | number, error: number, flags: number): void;
  /**
   * cgroup v2 devices: load `insns` (struct bpf_insn, 8 bytes each) as a
   * BPF_PROG_TYPE_CGROUP_DEVICE program, attach it to the cgroup dir (BPF_F_ALLOW_MULTI), then
   * detach every program that was attached to that dir before. A verifier refusal carries
   * `verifierLog`.
   */
  attachDeviceProgram(dir: string, insns: Buffer): void;
  /** Ids of the device programs attached to the cgroup dir itself. */
  attachedDevicePrograms(dir: string): number[];
  /** The errno of mount_setattr(-1, "", AT_EMPTY_PATH, {MOUNT_ATTR_IDMAP, userns_fd: INT_MAX}):
   * EBADF where the kernel takes idmapped mounts; changes nothing. */
  idmapProbe(): number;
  /** rtnetlink (addon/src/netdev.cc; src/netdev/). nsFd: a network namespace fd, -1 for the runtime's own.
   * RTM_GETLINK of one device by name or index; null when there is none. */
  netLinkGet(nsFd: number, nameOrIndex: string | number): NetLink | null;
  /** Every IPv4/IPv6 address of the device (an RTM_GETADDR dump filtered by index). */
  netAddrs(nsFd: number, index: number): NetAddress[];
  /** One RTM_NEWLINK on the device: rename (name not ""), move to targetNsFd (>= 0; with a name
   * the kernel moves, then renames), IFF_UP set (1) or cleared (0) unless up is -1. */
  netLinkSet(nsFd: number, index: number, name: string, targetNsFd: number, up: number): void;
  /** RTM_NEWADDR (create, exclusive) with exactly the address's fields. */
  netAddrAdd(nsFd: number, index: number, address: NetAddress): void;
}

/** A network device as RTM_GETLINK reports it. */
export interface NetLink {
  index: number;
  name: string;
  /** IFF_* flags (IFF_UP = 1). */
  flags: number;
}

/** An address as RTM_GETADDR reports it (and RTM_NEWADDR takes it). */
export interface NetAddress {
  family: 4 | 6;
  prefixlen: number;
  /** RT_SCOPE_* (0: universe, global). */
  scope: number;
  /** IFA_F_* (IFA_FLAGS when the kernel gives it: IFA_F_PERMANENT = 0x80). */
  flags: number;
  local?: string;
  address?: string;
  broadcast?: string;
}

/** seccompCompile's input: src/seccomp/plan.ts builds it from linux.seccomp. */
export interface SeccompCompileInput {
  /** SECCOMP_RET_* value, data (errno) included. */
  defaultAction: number;
  /** libseccomp architecture names (x86_64, x32, …). */
  architectures: string[];
  rules: SeccompRule[];
}

export interface SeccompRule {
  name: string;
  /** SECCOMP_RET_* value, data included. */
  action: number;
  /** All must match (libseccomp allows one comparison per argument index in a rule). */
  args: { index: number; op: number; value: bigint; valueTwo: bigint }[];
  /** The JSON path of the syscalls entry it comes from, for errors and logs. */
  at: string;
}

/**
 * Where the native parts come from. A checkout (and bin/berth-node) loads them from dist/native/;
 * the single executable carries them inside itself and installs its own source
 * (src/compiled/main.ts) before the first command runs.
 */
export interface NativeParts {
  /** The addon's exports. */
  load(): Native;
  /** berth-init for spawnInit: a path, or its bytes. */
  init(): string | Buffer;
}

let parts: NativeParts = {
  load: () => createRequire(import.meta.url)(distFile('native/berth.node')) as Native,
  init: () => distFile('native/berth-init'),
};
let loaded: Native | undefined;

export function useNativeParts(p: NativeParts): void {
  parts = p;
  loaded = undefined;
}

/** The addon, loaded on first use: commands that need no syscall Node lacks never load it. */
export function native(): Native {
  loaded ??= parts.load();
  return loaded;
}

/** berth-init, as spawnInit takes it. */
export function initImage(): string | Buffer {
  return parts.init();
}
