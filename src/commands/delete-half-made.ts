import { rmSync } from 'node:fs';
import { BerthError, errnoCode } from '../errors.js';
import type { Store } from '../state/store.js';
import { INTENT_FILE, intentState, readIntent, type CreateIntent } from '../state/intent.js';
import { isSameLiveProcess } from '../state/proc.js';
import { killAndWaitRef } from '../state/signal-ref.js';
import { signalMembers } from '../state/members.js';
import { reopenCgroup } from '../cgroups/index.js';
import { runHooksWarnOnly, type Hook } from '../hooks/run.js';
import { log } from '../log/logger.js';
import { removeRdt } from '../intelrdt/group.js';

/** Whether the create that made this half-made container is still running. */
export function creatorAlive(store: Store, id: string): boolean {
  const r = readIntent(store, id);
  return 'value' in r && isSameLiveProcess(r.value.creator.pid, r.value.creator.startTime);
}

/**
 * Kill whatever the teardown record names (the cgroup's processes, the init) and remove the
 * cgroup and the resctrl groups (linux.intelRdt): a create that did not finish (`halfMade`)
 * removes every group it made; a made container keeps a group its closID names, as delete does.
 */
async function tearDown(t: CreateIntent, halfMade: boolean): Promise<void> {
  const cg = t.cgroup ? reopenCgroup(t.cgroup) : undefined;
  try {
    cg?.killAll(9);
  } catch (e) {
    if (errnoCode(e) !== 'ENOENT') throw e;
  }
  // Without a cgroup of its own (rootless), its processes are found from the init.
  if (!cg && t.init) signalMembers(t.init, t.ownPidns ?? true, 9);
  await killAndWaitRef(t.init, 'container init');
  cg?.destroy();
  if (t.intelRdt) removeRdt(t.intelRdt, halfMade);
}

/**
 * delete of a container without a readable state.json, from its teardown record
 * (state/intent.ts): one caught half-made (no state.json: a create in progress is refused
 * without --force and killed with it), or one whose state.json is damaged (`stateDamage`: refused
 * without --force with the reason). Everything the record names goes: the init and whatever is
 * left in the cgroup, the cgroup dirs and systemd unit, the poststop hooks run for a container
 * that was made, then the state dir. With the teardown record damaged or missing too, nothing
 * can be identified safely: only the state dir goes, and a warning says what was not verified.
 */
export async function deleteFromTeardown(store: Store, id: string, force: boolean, stateDamage?: string): Promise<void> {
  if (stateDamage && !force) throw new BerthError(`cannot delete container ${id}: ${stateDamage} (use --force)`);
  const first = readIntent(store, id);
  if (!('value' in first)) {
    const why = 'damaged' in first ? first.damaged : `no ${INTENT_FILE}`;
    if (!force) throw new BerthError(`cannot delete container ${id}: ${why} (use --force)`);
    log.warn(`delete ${id}: ${[stateDamage, why].filter(Boolean).join('; ')}: its processes and cgroup could not be identified, so none were killed or removed; removed its state dir only`);
    rmSync(store.dir(id), { recursive: true, force: true });
    return;
  }
  let t = first.value;
  if (!stateDamage && isSameLiveProcess(t.creator.pid, t.creator.startTime)) {
    if (!force) throw new BerthError(`cannot delete container ${id} that is being created (use --force)`);
    await killAndWaitRef(t.creator, 'create of the container, process');
    // Re-read: the creator may have recorded more before it died.
    const last = readIntent(store, id);
    if ('value' in last) t = last.value;
  }
  await tearDown(t, !stateDamage);
  if (stateDamage) {
    const state = { ...intentState(t), pid: 0, status: 'stopped' };
    runHooksWarnOnly(t.poststop as Hook[] | undefined, 'poststop', state);
    log.warn(`delete ${id}: ${stateDamage}; removed what ${INTENT_FILE} records instead (init ${t.init?.pid ?? 'not recorded'}, ${t.cgroup ? 'its cgroup' : 'no cgroup'})`);
  }
  rmSync(store.dir(id), { recursive: true, force: true });
}
