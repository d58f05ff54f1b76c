import { rmSync } from 'node:fs';
import { BerthError } from '../errors.js';
import type { Globals } from '../cli/globals.js';
import { Store } from '../state/store.js';
import { withLock } from '../state/lock.js';
import { statusOf } from '../state/status.js';
import { ociState, type ContainerRecord } from '../state/record.js';
import { destroyCgroup } from '../cgroups/destroy.js';
import { runHooksWarnOnly } from '../hooks/run.js';
import { hasIntent } from '../state/intent.js';
import { killAndWaitRef } from '../state/signal-ref.js';
import { ownPidns } from '../state/members.js';

/** SIGKILL the init (and with a cgroup, everything in it) and wait until it is gone. */
export async function killAndWait(rec: ContainerRecord): Promise<void> {
  if (rec.cgroup) (await cgroupOf(rec.cgroup)).killAll(9);
  await killAndWaitRef({ pid: rec.pid, startTime: rec.initStartTime }, 'container init');
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
 * delete without a readable state.json, under the lock: from the teardown record
 * (commands/delete-half-made.ts). False when state.json became readable meanwhile (a create
 * finished): the caller deletes it the usual way.
 */
async function deleteUnrecorded(store: Store, id: string, force: boolean): Promise<boolean> {
  const done = await withLock(store, id, async () => {
    const now = store.read(id);
    if ('value' in now) return false;
    const { deleteFromTeardown } = await import('./delete-half-made.js');
    await deleteFromTeardown(store, id, force, 'damaged' in now ? now.damaged : undefined);
    return true;
  }).catch((e) => {
    if (e instanceof BerthError && / does not exist$/.test(e.message)) return true; // removed meanwhile
    throw e;
  });
  return done;
}

/**
 * delete (runtime.md "Delete"): a stopped or created container is removed; a running or paused
 * one only with --force (killed first). Safe to repeat; a missing container is an error except
 * with --force (runc's behaviour, which the containerd shim relies on). A container whose
 * state.json is damaged is removed with --force from its teardown record, and refused with the
 * reason without it.
 */
export async function deleteContainer(g: Globals, id: string, force: boolean): Promise<void> {
  const store = new Store(g.root);
  const found = store.read(id);
  if ('damaged' in found) {
    if (await deleteUnrecorded(store, id, force)) return;
  } else if ('absent' in found) {
    if (hasIntent(store, id)) {
      // Caught half-made (a create running, or killed): what its teardown record names goes.
      if (await deleteUnrecorded(store, id, force)) return;
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
    } else if (rec.cgroup && !ownPidns(rec)) {
      // Stopped, but without a pid namespace of its own the init's death ends nothing else: what
      // is left in its cgroup (a fork loop's children) is killed, as runc does.
      (await cgroupOf(rec.cgroup)).killAll(9);
    }
    await destroy(store, rec);
  });
}

export default async function del(g: Globals, a: Record<string, any>): Promise<number> {
  await deleteContainer(g, a.id, a.force);
  return 0;
}
