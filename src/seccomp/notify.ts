import { BerthError, describeErrno } from '../errors.js';
import { native } from '../native/addon.js';
import { SPEC_VERSION } from '../version.js';

/** config-linux.md "The Container Process State": what the seccomp agent receives. Pure. */
export function containerProcessState(seccomp: any, pid: number, state: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ociVersion: SPEC_VERSION, fds: ['seccompFd'], pid };
  if (seccomp.listenerMetadata !== undefined) out.metadata = seccomp.listenerMetadata;
  out.state = state;
  return out;
}

/**
 * Hand the init's listener fd to the agent at linux.seccomp.listenerPath: one new SOCK_STREAM
 * connection, the process state JSON with the fd (SCM_RIGHTS) in the first sendmsg, then closed.
 * The fd is closed here in every case (the agent holds its own copy). A failure is an error of
 * the command (the spec: the runtime MUST generate an error).
 */
export function handOffListener(seccomp: any, fd: number, pid: number, state: Record<string, unknown>): void {
  const n = native();
  const path: string | undefined = seccomp?.listenerPath;
  try {
    if (!path) throw new BerthError('/linux/seccomp/listenerPath is not set');
    let sock: number;
    try {
      sock = n.connectUnix(path);
    } catch (e) {
      // runc's words (its suite and engines' logs match them).
      throw new BerthError(`failed to connect with seccomp agent at ${path}: ${describeErrno(e)}`);
    }
    try {
      n.sendFdMessage(sock, fd, JSON.stringify(containerProcessState(seccomp, pid, state)));
    } catch (e) {
      throw new BerthError(`seccomp agent at ${path}: ${describeErrno(e)}`);
    } finally {
      n.closeFd(sock);
    }
  } finally {
    n.closeFd(fd);
  }
}
