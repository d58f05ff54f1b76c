import { BerthError, errnoCode } from '../errors.js';
import type { Globals } from '../cli/globals.js';
import { Store } from '../state/store.js';
import { statusOf } from '../state/status.js';
import { parseSignal } from '../cli/signals.js';
import { signalIfSame } from '../state/signal-ref.js';

/**
 * kill (runtime.md "Kill"): signal the init through a pidfd (no pid-reuse race after the live
 * status check); `--all` signals every process in the container's cgroup (without one, rootless: its pid
 * namespace's). Signal 0 only checks
 * that the init lives (a liveness probe): "container not running" when it does not.
 */
export default async function kill(g: Globals, a: Record<string, any>): Promise<number> {
  const sig = parseSignal(String(a.signal ?? 'SIGTERM'));
  const store = new Store(g.root);
  const rec = store.load(a.id);
  const status = await statusOf(store, rec);
  if (a.all) {
    if (!rec.cgroup) {
      // Rootless without a delegated cgroup: the processes of its pid namespace (state/members.ts).
      const { signalMembers, ownPidns } = await import('../state/members.js');
      signalMembers({ pid: rec.pid, startTime: rec.initStartTime }, ownPidns(rec), sig);
      return 0;
    }
    const { reopenCgroup } = await import('../cgroups/index.js');
    reopenCgroup(rec.cgroup).killAll(sig);
    return 0;
  }
  if (status === 'stopped') throw new BerthError('container not running');
  let signalled: boolean;
  try {
    // Through a pidfd checked against the recorded start time: never a process that reused the pid.
    signalled = signalIfSame({ pid: rec.pid, startTime: rec.initStartTime }, sig);
  } catch (e) {
    if (errnoCode(e) === 'EINVAL') throw new BerthError(`unable to signal init: invalid signal ${a.signal}`);
    throw e;
  }
  if (!signalled) throw new BerthError('container not running');
  return 0;
}
