import { rmSync } from 'node:fs';
import { BerthError, errnoCode } from '../errors.js';
import type { Globals } from '../cli/globals.js';
import { Store } from '../state/store.js';
import { withLock } from '../state/lock.js';
import { statusOf } from '../state/status.js';
import { isSameLiveProcess } from '../state/proc.js';
import { ociState, type ContainerRecord } from '../state/record.js';
import { native } from '../native/addon.js';
import { destroyCgroup } from '../cgroups/destroy.js';
import { runHooksWarnOnly } from '../hooks/run.js';
import { hasIntent } from '../state/intent.js';

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** SIGKILL the init (and with a cgroup, everything in it) and wait until it is gone. */
export async function killAndWait(rec: ContainerRecord): Promise<void> {
  try {
    if (rec.cgroup) (await cgroupOf(rec.cgroup)).killAll(9);
    native().signalPid(rec.pid, 9);
  } catch (e) {
    if (errnoCode(e) !== 'ESRCH') throw e;
  }
  for (let i = 0; i < 500 && isSameLiveProcess(rec.pid, rec.initStartTime); i++) await sleep(i < 20 ? 1 : 10);
  if (isSameLiveProcess(rec.pid, rec.initStartTime)) throw new BerthError(`container init ${rec.pid} did not die after SIGKILL`);
}

/** The full cgroup manager, for a container with processes to kill or thaw. */
async function cgroupOf(record: NonNullable<ContainerRecord['cgroup']>) {
  const { reopenCgroup } = await import('../cgroups/index.js');
  return reopenCgroup(record);
}

/** Remove what the container had: poststop hooks, cgroup dirs it made, the state dir. */
export async function destroy(store: Store, rec: ContainerRecord): Promise<void> {
  runHooksWarnOnly(rec.config?.hooks?.poststop, 'poststop', ociState(rec, 'stopped'));
  if (rec.cgroup) await destroyCgroup(rec.cgroup);
  if (rec.intelRdt) (await import('../intelrdt/group.js')).removeRdt(rec.intelRdt);
  store.remove(rec.id);
}

/**
 * delete (runtime.md "Delete"): a stopped or created container is removed; a running or paused
 * one only with --force (killed first). Safe to repeat; a missing container is an error except
 * with --force (runc's behaviour, which the containerd shim relies on).
 */
export async function deleteContainer(g: Globals, id: string, force: boolean): Promise<void> {
  const store = new Store(g.root);
  if (!store.exists(id)) {
    const notDir = store.rootNotDir();
    if (notDir) throw notDir;
    if (hasIntent(store, id)) {
      // Caught half-made (a create running, or killed): what its intent names goes.
      const { deleteHalfMade } = await import('./delete-half-made.js');
      const done = await withLock(store, id, async () => (store.exists(id) ? false : deleteHalfMade(store, id, force))).catch((e) => {
        if (e instanceof BerthError && / does not exist$/.test(e.message)) return true; // removed meanwhile
        throw e;
      });
      if (done) return;
    } else {
      // A dir without a record (from before intents were written): removed too.
      rmSync(store.dir(id), { recursive: true, force: true });
      if (force) return;
      throw new BerthError(`container ${id} does not exist`);
    }
  }
  await withLock(store, id, async () => {
    const rec = store.load(id);
    const status = await statusOf(store, rec);
    if (status === 'running' || status === 'paused') {
      if (!force) throw new BerthError(`cannot delete container ${id} that is not stopped: ${status}`);
      if (status === 'paused' && rec.cgroup) {
        const cg = await cgroupOf(rec.cgroup);
        cg.killAll(9);
        cg.thaw();
      }
      await killAndWait(rec);
    } else if (status === 'created') {
      await killAndWait(rec);
    }
    await destroy(store, rec);
  });
}

export default async function del(g: Globals, a: Record<string, any>): Promise<number> {
  await deleteContainer(g, a.id, a.force);
  return 0;
}
