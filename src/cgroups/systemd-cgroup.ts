/**
 * A container's cgroup under the systemd driver: a transient scope unit (docs/CGROUPS.md,
 * "systemd driver"). create() starts `<prefix>-<name>.scope` in the slice with the pid of a
 * short-lived placeholder process (a scope needs a process to exist), Delegate=yes, reads the
 * scope's ControlGroup and applies linux.resources there as files (like the cgroupfs driver);
 * the init joins through cgroup.procs as usual; afterJoin() ends the placeholder. destroy() stops
 * the unit. Everything else (freeze, kill, stats, update) is the cgroupfs code on the scope dir.
 * cgroup v2 only.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { applyWrites, realContext } from './apply.js';
import { CgroupError } from './errors.js';
import { parseMountinfo } from './layout.js';
import { FsCgroup } from './manager.js';
import { parseResources } from './resources.js';
import { scopeProperties, scopeUnitName, type SystemdUnitPath } from './systemd.js';
import { SystemdManager } from './systemd-manager.js';
import type { CgroupLayout, CgroupRecord } from './types.js';
import { attachDevicesV2 } from './v2/devices.js';
import { planV2 } from './v2/index.js';

function cgroup2Mount(): string {
  const m = parseMountinfo(readFileSync('/proc/self/mountinfo', 'utf8')).find((x) => x.version === 2 && x.root === '/');
  if (!m) throw new CgroupError('systemd cgroup driver: no cgroup2 mount');
  return m.mountpoint;
}

export class SystemdCgroup extends FsCgroup {
  private placeholder: ChildProcess | undefined;

  constructor(record: CgroupRecord, private readonly unitPath?: SystemdUnitPath) {
    super(record);
  }

  override create(resources?: unknown): void {
    const r = parseResources(resources); // bad input: fail before touching anything
    if (this.record.layout !== 'unified') {
      throw new CgroupError('systemd cgroup driver: only on cgroup v2 (unified) hosts for now');
    }
    const unit = this.record.systemdUnit!;
    const mgr = SystemdManager.connect();
    try {
      if (mgr.unitPath(unit)) throw new CgroupError(`systemd cgroup driver: the unit ${unit} already exists`);
      const ph = spawn('sleep', ['infinity'], { stdio: 'ignore', detached: true });
      ph.unref();
      this.placeholder = ph;
      if (ph.pid === undefined) throw new CgroupError('systemd cgroup driver: cannot start the placeholder process (sleep)');
      try {
        mgr.startScope(unit, scopeProperties(this.unitPath!, ph.pid, r));
        this.record.paths[''] = cgroup2Mount() + mgr.controlGroup(unit);
        const ctx = realContext(this.record, false);
        applyWrites(this.record.paths, planV2(r, ctx));
        attachDevicesV2(this.record.paths['']!, r, false);
      } catch (e) {
        try {
          mgr.stopUnit(unit);
        } catch {
          // report the first failure
        }
        this.afterJoin();
        throw e;
      }
    } finally {
      mgr.close();
    }
  }

  /** The init is in the scope: the placeholder can go. */
  override afterJoin(): void {
    const ph = this.placeholder;
    this.placeholder = undefined;
    if (ph?.pid !== undefined && ph.exitCode === null) ph.kill('SIGKILL');
  }

  override destroy(): void {
    this.afterJoin();
    const mgr = SystemdManager.connect();
    try {
      mgr.stopUnit(this.record.systemdUnit!);
    } finally {
      mgr.close();
    }
  }
}

export function openSystemdCgroup(p: SystemdUnitPath, layout: CgroupLayout): SystemdCgroup {
  const unit = scopeUnitName(p);
  return new SystemdCgroup({ layout, paths: {}, created: [], systemdUnit: unit }, p);
}
