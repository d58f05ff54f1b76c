import { checkCgroupRecord, recordDirs } from './record.js';
import { removeCgroupDirs } from './remove-dirs.js';
import type { CgroupRecord } from './types.js';

/**
 * Remove a stopped container's cgroup: the dirs create made (cgroupfs driver), or the systemd
 * scope and berth's own dirs (systemd driver, through the full manager). `delete` of a container
 * that has exited, what an engine calls for every container, loads no cgroup manager.
 */
export async function destroyCgroup(record: CgroupRecord): Promise<void> {
  checkCgroupRecord(record);
  if (record.systemdUnit !== undefined) {
    const { reopenCgroup } = await import('./open.js');
    reopenCgroup(record).destroy();
    return;
  }
  removeCgroupDirs(record.created, recordDirs(record), { ownDirsToo: true });
}
