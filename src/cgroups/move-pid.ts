/**
 * Moving a process into a container's cgroup from outside it: one write of its pid to each
 * cgroup.procs (every v1 hierarchy, or the one v2 dir). The second try of an exec whose fork into
 * the cgroup the pids limit refused (JOIN_BY_RUNTIME, runc's only way): the kernel's pids limit
 * refuses a fork into a full cgroup but never a move, so that exec still starts. Kept apart from
 * the managers so exec loads nothing else.
 */
import { writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { CgroupError } from './errors.js';
import { describeErrno } from '../errors.js';

export function movePid(procsFiles: readonly string[], pid: number): void {
  for (const f of procsFiles) {
    try {
      writeFileSync(f, String(pid));
    } catch (e) {
      throw new CgroupError(`join cgroup ${dirname(f)}: ${describeErrno(e)}`);
    }
  }
}
