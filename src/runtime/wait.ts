import { native } from '../native/addon.js';
import { SIGNALS } from '../cli/signals.js';

const FORWARDED: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP', 'SIGQUIT', 'SIGUSR1', 'SIGUSR2', 'SIGWINCH'];

/**
 * Wait for a child of this process (the container init of `run`, the process of `exec`),
 * forwarding the signals this process gets to it. Resolves to its exit code, 128+N when signal
 * N killed it (runc's convention). reapOthers (a subreaper's wait: `run`) reaps any other child
 * that ends meanwhile, as runc's signal loop does.
 */
export async function waitForwardingSignals(pid: number, reapOthers = false): Promise<number> {
  const forward = (sig: NodeJS.Signals) => {
    try {
      native().signalPid(pid, SIGNALS[sig]!);
    } catch {
      // exited meanwhile
    }
  };
  for (const s of FORWARDED) process.on(s, forward);
  try {
    const st = await native().waitPidAsync(pid, reapOthers);
    return st.signal ? 128 + st.signal : (st.code ?? 0);
  } finally {
    for (const s of FORWARDED) process.off(s, forward);
  }
}
