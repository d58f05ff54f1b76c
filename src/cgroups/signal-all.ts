/**
 * `kill --all` (Cgroup.killAll): SIGKILL on cgroup v2 is one write to cgroup.kill (Linux 5.14+).
 * Otherwise runc's signalAllProcesses: freeze so that nothing forks meanwhile, signal every pid
 * in the cgroup, thaw. A paused container stays paused, except that SIGKILL thaws it (a frozen
 * task acts on SIGKILL only once thawed).
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { errnoCode } from '../errors.js';
import { writeControl } from './apply.js';
import { CgroupError, errnoText } from './errors.js';
import type { Cgroup } from './types.js';

const SIGKILL = 9;

/** v2Dir: the cgroup v2 dir on a unified layout (for cgroup.kill), else undefined. */
export function signalAll(cg: Pick<Cgroup, 'pids' | 'freeze' | 'thaw' | 'isFrozen'> & { canFreeze(): boolean }, v2Dir: string | undefined, signal: number): void {
  if (v2Dir !== undefined && signal === SIGKILL) {
    const kill = join(v2Dir, 'cgroup.kill');
    if (existsSync(kill)) {
      try {
        writeControl(kill, '1');
        return;
      } catch (e) {
        if (errnoCode(e) === 'ENOENT') return; // the cgroup is gone: nothing left to kill
        throw new CgroupError(`cgroup: write ${kill}: ${errnoText(e)}`);
      }
    }
  }
  const canFreeze = cg.canFreeze();
  const wasFrozen = canFreeze && cg.isFrozen();
  let frozeHere = false;
  if (canFreeze && !wasFrozen) {
    try {
      cg.freeze();
      frozeHere = true;
    } catch {
      // signal anyway
    }
  }
  try {
    for (const pid of cg.pids()) {
      try {
        process.kill(pid, signal);
      } catch (e) {
        if (errnoCode(e) !== 'ESRCH') throw new CgroupError(`cgroup: kill ${pid}: ${errnoText(e)}`);
      }
    }
  } finally {
    if (frozeHere || (wasFrozen && signal === SIGKILL)) {
      try {
        cg.thaw();
      } catch {
        // the cgroup may be gone already
      }
    }
  }
}
