import { rmSync } from 'node:fs';
import { BerthError, errnoCode } from '../errors.js';
import type { Store } from '../state/store.js';
import { readIntent, type ProcRef } from '../state/intent.js';
import { isSameLiveProcess } from '../state/proc.js';
import { native } from '../native/addon.js';
import { reopenCgroup } from '../cgroups/index.js';
import { removeRdt } from '../intelrdt/group.js';

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function killRef(ref: ProcRef | undefined, what: string): Promise<void> {
  if (!ref || !isSameLiveProcess(ref.pid, ref.startTime)) return;
  try {
    native().signalPid(ref.pid, 9);
  } catch (e) {
    if (errnoCode(e) !== 'ESRCH') throw e;
  }
  for (let i = 0; i < 500 && isSameLiveProcess(ref.pid, ref.startTime); i++) await sleep(i < 20 ? 1 : 10);
  if (isSameLiveProcess(ref.pid, ref.startTime)) throw new BerthError(`${what} ${ref.pid} did not die after SIGKILL`);
}

/** Whether the create that made this half-made container is still running. */
export function creatorAlive(store: Store, id: string): boolean {
  const intent = readIntent(store, id);
  return intent !== undefined && isSameLiveProcess(intent.creator.pid, intent.creator.startTime);
}

/**
 * delete of a container caught half-made (creating.json, no state.json): a create in progress
 * is refused without --force and killed with it; then everything its intent names goes (the
 * init and whatever it left in the cgroup, the cgroup dirs and systemd unit, the state dir).
 * Returns false when there is no intent (a dir from before intents: only the dir is removed).
 */
export async function deleteHalfMade(store: Store, id: string, force: boolean): Promise<boolean> {
  const intent = readIntent(store, id);
  if (!intent) return false;
  if (isSameLiveProcess(intent.creator.pid, intent.creator.startTime)) {
    if (!force) throw new BerthError(`cannot delete container ${id} that is being created (use --force)`);
    await killRef(intent.creator, 'create of the container, process');
  }
  // Re-read: the creator may have recorded more before it died.
  const last = readIntent(store, id) ?? intent;
  const cg = last.cgroup ? reopenCgroup(last.cgroup) : undefined;
  try {
    cg?.killAll(9);
  } catch (e) {
    if (errnoCode(e) !== 'ENOENT') throw e;
  }
  await killRef(last.init, 'container init');
  cg?.destroy();
  // A create that did not finish removes what it made in resctrl (a named group it made too).
  if (last.intelRdt) removeRdt(last.intelRdt, true);
  rmSync(store.dir(id), { recursive: true, force: true });
  return true;
}
