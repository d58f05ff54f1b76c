import { BerthError, describeErrno } from '../errors.js';
import { native } from '../native/addon.js';

/**
 * `--pidfd-socket PATH` (create, run, exec; runc 1.2): a pidfd of the container's init (create,
 * run) or of the exec'd process goes to the unix socket at PATH, as runc sends it: one sendmsg
 * on a SOCK_STREAM connection, the fd as SCM_RIGHTS and the words "standard" (the container's
 * init) or "setns" (an exec'd process) as the data (runc names its two kinds of init so).
 * berth opens the pidfd from the host (pidfd_open of the process's host pid) once the process
 * exists; runc's init opens it on itself: the receiver gets the same thing.
 */
export type PidfdKind = 'standard' | 'setns';

export class PidfdSocket {
  private constructor(
    readonly path: string,
    private fd: number | undefined,
  ) {}

  /** Connects at once, before anything is made: a path nobody listens on fails the command first. */
  static connect(path: string): PidfdSocket {
    try {
      return new PidfdSocket(path, native().connectUnix(path));
    } catch (e) {
      throw new BerthError(`--pidfd-socket ${path}: ${describeErrno(e)}`);
    }
  }

  /** Sends pid's pidfd; the connection is closed afterwards, whatever happens. */
  send(pid: number, kind: PidfdKind): void {
    const n = native();
    const sock = this.fd;
    if (sock === undefined) throw new BerthError(`--pidfd-socket ${this.path}: already used`);
    this.fd = undefined;
    try {
      const pidfd = n.pidfdOpen(pid);
      try {
        n.sendFdMessage(sock, pidfd, kind);
      } finally {
        n.closeFd(pidfd);
      }
    } catch (e) {
      throw new BerthError(`--pidfd-socket ${this.path}: ${describeErrno(e)}`);
    } finally {
      n.closeFd(sock);
    }
  }

  /** Closes the connection unused (the command failed before the process existed). */
  close(): void {
    if (this.fd !== undefined) native().closeFd(this.fd);
    this.fd = undefined;
  }
}
