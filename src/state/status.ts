import { existsSync } from 'node:fs';
import type { Store } from './store.js';
import type { ContainerRecord, Status } from './record.js';
import { isSameLiveProcess } from './proc.js';
import { isFrozenRecord } from '../cgroups/frozen.js';

/**
 * Status derived live: the recorded init must still be the same live process
 * (pid and start time); it waits for `start` while its start socket exists; a frozen cgroup
 * means paused.
 */
export async function statusOf(store: Store, rec: ContainerRecord): Promise<Status> {
  if (!isSameLiveProcess(rec.pid, rec.initStartTime)) return 'stopped';
  if (existsSync(store.startSocket(rec.id))) return 'created';
  if (rec.cgroup && isFrozenRecord(rec.cgroup)) return 'paused';
  return 'running';
}
