import { BerthError, errnoCode } from '../errors.js';
import { native } from '../native/addon.js';
import { isSameLiveProcess, type ProcRef } from './proc.js';
import { sleep } from '../sleep.js';

/**
 * Signal a recorded process only while it is that process: a pidfd is opened first, then the
 * pid's start time is compared with the record. The recorded process held the pid from its birth
 * until its death, so if it is there after the open the pidfd names it, and the signal cannot
 * reach a process that reused the pid (a fork loop in the host's pid namespace refills pids at
 * once). Returns false when the process is gone: ESRCH, or EINVAL from pidfd_open (the pid now
 * names a thread of another process), is not an error.
 */
export function signalIfSame(ref: ProcRef, signal: number): boolean {
  if (!(ref.pid > 0)) return false;
  let fd: number;
  try {
    fd = native().pidfdOpen(ref.pid);
  } catch (e) {
    const code = errnoCode(e);
    if (code === 'ESRCH' || code === 'EINVAL') return false;
    if (code !== 'ENOSYS') throw e;
    // Before Linux 5.3: kill(2) after the same check (the window runc has too).
    if (!isSameLiveProcess(ref.pid, ref.startTime)) return false;
    return signalPlain(ref.pid, signal);
  }
  try {
    if (!isSameLiveProcess(ref.pid, ref.startTime)) return false;
    try {
      native().pidfdSignal(fd, signal);
    } catch (e) {
      if (errnoCode(e) === 'ESRCH') return false;
      throw e;
    }
    return true;
  } finally {
    native().closeFd(fd);
  }
}

function signalPlain(pid: number, signal: number): boolean {
  try {
    native().signalPid(pid, signal);
    return true;
  } catch (e) {
    if (errnoCode(e) === 'ESRCH') return false;
    throw e;
  }
}

/** SIGKILL a recorded process (when it is still that process) and wait until it is gone. */
export async function killAndWaitRef(ref: ProcRef | undefined, what: string): Promise<void> {
  if (!ref || !signalIfSame(ref, 9)) return;
  for (let i = 0; i < 500 && isSameLiveProcess(ref.pid, ref.startTime); i++) await sleep(i < 20 ? 1 : 10);
  if (isSameLiveProcess(ref.pid, ref.startTime)) throw new BerthError(`${what} ${ref.pid} did not die after SIGKILL`);
}
