/**
 * The systemd cgroup driver (`--systemd-cgroup`, cgroupsPath "slice:prefix:name"): the pure
 * parts — the path form, the scope's unit name, the StartTransientUnit properties. The D-Bus
 * calls are in systemd-manager.ts, the Cgroup object in systemd-cgroup.ts. Where systemd does
 * not run (this build machine) asking for it fails with a clear error and never falls back to
 * cgroupfs silently.
 */
import { existsSync } from 'node:fs';
import type { DbusValue } from './dbus/wire.js';
import { variant } from './dbus/wire.js';
import { CgroupError } from './errors.js';
import type { LinuxResources } from './types.js';

export interface SystemdUnitPath {
  slice: string;
  prefix: string;
  name: string;
}

/** "system.slice:docker:1234" → parts; "" → runc's default (system.slice, "runc", id). */
export function parseSystemdPath(cgroupsPath: string | undefined, id: string): SystemdUnitPath {
  if (!cgroupsPath) return { slice: 'system.slice', prefix: 'runc', name: id };
  const parts = cgroupsPath.split(':');
  if (parts.length !== 3) {
    throw new CgroupError(
      `linux.cgroupsPath: expected "slice:prefix:name" for the systemd cgroup driver, got ${JSON.stringify(cgroupsPath)}`,
    );
  }
  const [slice, prefix, name] = parts as [string, string, string];
  if (slice !== '' && !slice.endsWith('.slice')) {
    throw new CgroupError(`linux.cgroupsPath: the systemd slice ${JSON.stringify(slice)} must end in ".slice"`);
  }
  if (slice.includes('/') || prefix.includes('/') || name.includes('/') || name === '') {
    throw new CgroupError(`linux.cgroupsPath: invalid systemd cgroup path ${JSON.stringify(cgroupsPath)}`);
  }
  return { slice: slice || 'system.slice', prefix, name };
}

/** Whether systemd is PID 1's init here (sd_booted(): /run/systemd/system exists). */
export function systemdRunning(): boolean {
  return existsSync('/run/systemd/system');
}

export function systemdUnavailable(running: boolean): CgroupError {
  return running
    ? new CgroupError('systemd cgroup driver: the cgroup path comes from systemd (the scope\'s ControlGroup), not from cgroupfs path resolution')
    : new CgroupError('systemd cgroup driver: systemd is not running (no /run/systemd/system)');
}

/** runc's unit name: "<prefix>-<name>.scope" ("<name>.scope" without a prefix). Slice units as
 * the container's unit (a name ending in ".slice") are not supported. */
export function scopeUnitName(p: SystemdUnitPath): string {
  if (p.name.endsWith('.slice')) {
    throw new CgroupError(`systemd cgroup driver: a slice as the container's unit (${JSON.stringify(p.name)}) is not supported`);
  }
  return p.prefix ? `${p.prefix}-${p.name}.scope` : `${p.name}.scope`;
}

const positive = (v: number | bigint | undefined): bigint | undefined =>
  v !== undefined && BigInt(v) > 0n ? BigInt(v) : undefined;

/**
 * StartTransientUnit's properties (a(sv)), as runc sets them for a scope: the slice, a
 * description, Delegate=yes (berth writes the resource files itself, as for cgroupfs), the
 * placeholder pid, no default dependencies, accounting on, and the limits systemd should keep
 * on its own reloads (MemoryMax, TasksMax; the rest only as cgroupfs files).
 */
export function scopeProperties(p: SystemdUnitPath, pid: number, r: LinuxResources): DbusValue[] {
  const props: DbusValue[] = [
    ['Description', variant('s', `berth container ${p.name}`)],
    ['Slice', variant('s', p.slice)],
    ['Delegate', variant('b', true)],
    ['PIDs', variant('au', [pid])],
    ['DefaultDependencies', variant('b', false)],
    ['MemoryAccounting', variant('b', true)],
    ['CPUAccounting', variant('b', true)],
    ['IOAccounting', variant('b', true)],
    ['TasksAccounting', variant('b', true)],
  ];
  const mem = positive(r.memory?.limit);
  if (mem !== undefined) props.push(['MemoryMax', variant('t', mem)]);
  const tasks = positive(r.pids?.limit);
  if (tasks !== undefined) props.push(['TasksMax', variant('t', tasks)]);
  return props;
}
