import { BerthError } from '../errors.js';
import type { Globals } from '../cli/globals.js';
import { Store } from '../state/store.js';
import { withLock } from '../state/lock.js';
import { statusOf } from '../state/status.js';
import { reopenCgroup } from '../cgroups/index.js';

/** pause / resume: freeze or thaw the container's cgroup (v1 freezer, v2 cgroup.freeze). */
export async function setFrozen(g: Globals, id: string, frozen: boolean): Promise<void> {
  const store = new Store(g.root);
  await withLock(store, id, async () => {
    const rec = store.load(id);
    const status = await statusOf(store, rec);
    if (frozen && status !== 'running' && status !== 'created') throw new BerthError(`cannot pause a container that is ${status}`);
    if (!frozen && status !== 'paused') throw new BerthError(`cannot resume a container that is ${status}`);
    if (!rec.cgroup) throw new BerthError(`container ${id} has no cgroup of its own (rootless, cgroup not delegated): cannot ${frozen ? "pause" : "resume"} it`);
    const cg = reopenCgroup(rec.cgroup);
    if (frozen) cg.freeze();
    else cg.thaw();
  });
}

export default async function pause(g: Globals, a: Record<string, any>): Promise<number> {
  await setFrozen(g, a.id, true);
  return 0;
}
