/**
 * A container's cgroup under the systemd driver: a transient scope unit (docs/CGROUPS.md,
 * "systemd driver"). create() starts `<prefix>-<name>.scope` in the slice with the pid of a
 * placeholder process (a scope needs a process to exist), Delegate=yes and the resource
 * properties systemd must keep (properties.ts), reads the scope's ControlGroup, and from
 * there on it is the cgroupfs code on the scope's dirs: on cgroup v2 the one dir; on v1 (hybrid,
 * legacy) the dirs systemd made in the hierarchies it manages (cpu, memory, pids, devices, blkio,
 * name=systemd, unified) plus, made and later removed by berth, the same path in the others
 * (cpuset, freezer, net_cls, hugetlb, ...), as runc's systemd v1 driver does. The init joins
 * through cgroup.procs as usual; afterJoin() ends the placeholder. update() gives systemd the
 * new properties, then writes the files. destroy() stops the unit, then removes berth's dirs.
 */
import type { ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { native } from '../../native/addon.js';
import { CgroupError } from '../errors.js';
import { FsCgroup } from '../manager.js';
import { realEnv, resolveCgroupPaths } from '../path.js';
import { parseResources } from '../resources.js';
import { scopeProperties, scopeUnitName, systemdMajor, type SystemdUnitPath } from './scope.js';
import { SystemdManager } from './manager.js';
import { resourceProperties, type SystemdHost } from './properties.js';
import type { CgroupLayout, CgroupRecord } from '../types.js';
import type { DbusValue } from './dbus/wire.js';

/**
 * The process that holds the scope until the init joins: `cat` reading a pipe only this process
 * writes to, so it exits by itself (EOF) if berth dies before ending it, and systemd then stops
 * the empty scope: a killed `create` leaves nothing behind.
 */
function startPlaceholder(): ChildProcess {
  // (node:child_process on first use: the cgroupfs driver never needs it.)
  const { spawn } = process.getBuiltinModule('node:child_process') as typeof import('node:child_process');
  const ph = spawn('cat', [], { stdio: ['pipe', 'ignore', 'ignore'], detached: true });
  ph.unref();
  (ph.stdin as unknown as { unref?: () => void } | null)?.unref?.();
  ph.on('error', () => {}); // reported below through the missing pid
  if (ph.pid === undefined) throw new CgroupError('systemd cgroup driver: cannot start the placeholder process (cat)');
  return ph;
}

export class SystemdCgroup extends FsCgroup {
  private placeholder: ChildProcess | undefined;

  constructor(record: CgroupRecord, private readonly unitPath?: SystemdUnitPath, private readonly extraProperties: DbusValue[] = []) {
    super(record);
    this.ownsParents = false; // systemd made the scope and owns the slices above it
  }

  private host(mgr: SystemdManager): SystemdHost {
    return { layout: this.record.layout, version: systemdMajor(mgr.version()), procDevices: readFileSync('/proc/devices', 'utf8') };
  }

  override create(resources?: unknown): void {
    const r = parseResources(resources); // bad input: fail before touching anything
    const unit = this.record.systemdUnit!;
    const mgr = SystemdManager.connect();
    try {
      if (mgr.unitPath(unit)) throw new CgroupError(`systemd cgroup driver: the unit ${unit} already exists`);
      const host = this.host(mgr);
      this.placeholder = startPlaceholder();
      try {
        mgr.startScope(unit, scopeProperties(this.unitPath!, this.placeholder.pid!, r, host, this.extraProperties));
        const scope = mgr.controlGroup(unit);
        this.record.paths = resolveCgroupPaths({ cgroupsPath: scope, id: unit }, realEnv()).paths;
      } catch (e) {
        this.stopQuietly(mgr);
        throw e;
      }
    } finally {
      mgr.close();
    }
    super.create(resources); // on failure it calls destroy(): the unit stops, berth's dirs go
  }

  /**
   * create --dry-run: the unit create would start and its properties (the placeholder's pid
   * shown as 0). Asks systemd only questions: its version, and whether the unit exists (create
   * refuses one that does).
   */
  planScope(resources: unknown): { unit: string; properties: DbusValue[] } {
    const r = parseResources(resources);
    const unit = this.record.systemdUnit!;
    const mgr = SystemdManager.connect();
    try {
      if (mgr.unitPath(unit)) throw new CgroupError(`systemd cgroup driver: the unit ${unit} already exists`);
      return { unit, properties: scopeProperties(this.unitPath!, 0, r, this.host(mgr), this.extraProperties) };
    } finally {
      mgr.close();
    }
  }

  private stopQuietly(mgr: SystemdManager): void {
    try {
      mgr.stopUnit(this.record.systemdUnit!);
    } catch {
      // report the first failure
    }
    this.afterJoin();
  }

  /**
   * The init is in the scope: the placeholder can go. Reaped here, synchronously: berth's event
   * loop is blocked in the D-Bus calls that may follow (destroy), so Node would not reap it
   * meanwhile and a zombie would sit in the scope while systemd stops it.
   */
  override afterJoin(): void {
    const ph = this.placeholder;
    this.placeholder = undefined;
    if (ph?.pid === undefined || ph.exitCode !== null || ph.signalCode !== null) return;
    try {
      native().signalPid(ph.pid, 9);
      native().waitPid(ph.pid);
    } catch {
      // already gone (ESRCH) or reaped (ECHILD)
    }
  }

  override update(resources: unknown): void {
    const r = parseResources(resources);
    const mgr = SystemdManager.connect();
    try {
      const props = resourceProperties(r, this.host(mgr), true);
      // On v1 systemd rewrites devices.* from "deny a": freeze meanwhile so that the container
      // never sees a device it keeps vanish for a moment (runc does the same).
      const freeze = this.record.layout !== 'unified' && r.devices !== undefined && !this.isFrozen();
      if (freeze) this.freeze();
      try {
        mgr.setUnitProperties(this.record.systemdUnit!, props);
        super.update(resources);
      } finally {
        if (freeze) this.thaw();
      }
    } finally {
      mgr.close();
    }
  }

  override destroy(): void {
    this.afterJoin();
    try {
      const mgr = SystemdManager.connect();
      try {
        mgr.stopUnit(this.record.systemdUnit!);
      } finally {
        mgr.close();
      }
    } finally {
      super.destroy(); // the dirs berth made itself (v1 hierarchies systemd does not manage), whatever systemd said
    }
  }
}

export function openSystemdCgroup(p: SystemdUnitPath, layout: CgroupLayout, extraProperties: DbusValue[] = []): SystemdCgroup {
  const unit = scopeUnitName(p);
  return new SystemdCgroup({ layout, paths: {}, created: [], systemdUnit: unit }, p, extraProperties);
}
