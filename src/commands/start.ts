import { unlinkSync } from 'node:fs';
import { BerthError, errnoCode } from '../errors.js';
import type { Globals } from '../cli/globals.js';
import { Store } from '../state/store.js';
import { withLock } from '../state/lock.js';
import { statusOf } from '../state/status.js';
import { ociState } from '../state/record.js';
import { native } from '../native/addon.js';
import { runHooks } from '../hooks/run.js';
import { handOffListener } from '../seccomp/notify.js';
import { StepClock } from '../log/timing.js';

/**
 * start (runtime.md "Start"): only a `created` container; release its init (which execs the
 * user's program), then run poststart hooks. The start socket is removed first, so a second
 * start fails even if it races this one. A failing poststart hook is an error and stops the
 * container (runtime.md lifecycle step 9, as runc does); `delete` then removes it.
 */
export async function startContainer(g: Globals, id: string): Promise<void> {
  const store = new Store(g.root);
  const clock = new StepClock(`start ${id}`);
  await withLock(store, id, async () => {
    const rec = store.load(id);
    const status = await statusOf(store, rec);
    if (status !== 'created') throw new BerthError(`cannot start a container that is ${status}`);
    const sock = store.startSocket(id);
    clock.mark('lock, state and status');
    try {
      // With no_new_privs an SCMP_ACT_NOTIFY filter loads now, just before execve: its listener
      // comes here and goes on to the agent.
      native().startContainer(sock, 30_000, (fd) => handOffListener(rec.config.linux?.seccomp, fd, rec.pid, ociState(rec, 'created')));
    } catch (e: any) {
      if (e?.initError) {
        const { renderInitError } = await import('../runtime/init-errors.js');
        const steps = (rec.steps ?? []).map((what) => ({ what }));
        throw new BerthError(`start ${id}: ${renderInitError(steps, String(e.initError).split('\t').slice(1))}`);
      }
      if (errnoCode(e) === 'ECONNREFUSED' || errnoCode(e) === 'ENOENT') throw new BerthError(`cannot start container ${id}: its init is not waiting`);
      throw e;
    } finally {
      try {
        unlinkSync(sock);
      } catch (e) {
        if (errnoCode(e) !== 'ENOENT') throw e;
      }
    }
    clock.mark('the init: startContainer hooks, seccomp, execve of the program');
    try {
      runHooks(rec.config.hooks?.poststart, 'poststart', ociState(rec, 'running'));
      if (rec.config.hooks?.poststart?.length) clock.mark('poststart hooks');
    } catch (e) {
      const { killAndWait } = await import('./delete.js');
      await killAndWait(rec);
      throw new BerthError(`start ${id}: ${(e as Error).message} (the container was stopped)`);
    }
  });
  clock.total();
}

export default async function start(g: Globals, a: Record<string, any>): Promise<number> {
  await startContainer(g, a.id);
  return 0;
}
