/**
 * openCgroup/reopenCgroup: the cgroupfs driver (manager.ts) or, with --systemd-cgroup or a
 * record naming a systemd unit, the systemd driver (systemd/cgroup.ts).
 */
import { detectLayout } from './layout.js';
import { openFsCgroup, reopenFsCgroup } from './manager.js';
import { parseSystemdPath, systemdRunning, systemdUnavailable } from './systemd/scope.js';
import { openSystemdCgroup, SystemdCgroup } from './systemd/cgroup.js';
import type { Cgroup, CgroupRecord } from './types.js';
import { userManager } from './systemd/manager.js';
import { annotationProperties } from './systemd/annotation-properties.js';

export function openCgroup(opts: { cgroupsPath?: string; id: string; systemd?: boolean; annotations?: Record<string, unknown> }): Cgroup {
  if (!opts.systemd) return openFsCgroup(opts);
  const p = parseSystemdPath(opts.cgroupsPath, opts.id, userManager()); // a malformed path is reported as such first
  // org.systemd.property.* annotations: the scope's extra properties (checked before anything is made).
  const extra = annotationProperties(opts.annotations);
  if (!systemdRunning()) throw systemdUnavailable(false);
  return openSystemdCgroup(p, detectLayout(), extra);
}

export function reopenCgroup(record: CgroupRecord): Cgroup {
  const fs = reopenFsCgroup(record); // validates the record
  if (record.systemdUnit === undefined) return fs;
  return new SystemdCgroup(fs.record);
}
