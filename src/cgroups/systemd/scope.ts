/**
 * The systemd cgroup driver (`--systemd-cgroup`, cgroupsPath "slice:prefix:name"): the pure
 * parts — the path form, the scope's unit name, the StartTransientUnit properties. The D-Bus
 * calls are in manager.ts, the Cgroup object in cgroup.ts. Where systemd does
 * not run (this build machine) asking for it fails with a clear error and never falls back to
 * cgroupfs silently.
 */
import { existsSync } from 'node:fs';
import type { DbusValue } from './dbus/wire.js';
import { variant } from './dbus/wire.js';
import { CgroupError } from '../errors.js';
import { resourceProperties, type SystemdHost } from './properties.js';
import type { LinuxResources } from '../types.js';

export interface SystemdUnitPath {
  slice: string;
  prefix: string;
  name: string;
}

/**
 * "system.slice:docker:1234" → parts; "" → runc's default (system.slice, "runc", id). The
 * default slice of the user's own manager (berth not root) is user.slice, as runc's.
 */
export function parseSystemdPath(cgroupsPath: string | undefined, id: string, userManager = false): SystemdUnitPath {
  const defaultSlice = userManager ? 'user.slice' : 'system.slice';
  if (!cgroupsPath) return { slice: defaultSlice, prefix: 'runc', name: id };
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
  return { slice: slice || defaultSlice, prefix, name };
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

/**
 * StartTransientUnit's properties (a(sv)), as runc sets them for a scope: the slice, a
 * description, Delegate=yes (berth writes the resource files itself, as for cgroupfs), the
 * placeholder pid, no default dependencies, accounting on, and the resource properties systemd
 * must know to keep the limits on its own rewrites (properties.ts), then the config's
 * org.systemd.property.* annotations (annotation-properties.ts), last so that they override.
 */
export function scopeProperties(p: SystemdUnitPath, pid: number, r: LinuxResources, host: SystemdHost, extra: DbusValue[] = []): DbusValue[] {
  return [
    ['Description', variant('s', `berth container ${p.name}`)],
    ['Slice', variant('s', p.slice)],
    ['Delegate', variant('b', true)],
    ['PIDs', variant('au', [pid])],
    ['DefaultDependencies', variant('b', false)],
    ['MemoryAccounting', variant('b', true)],
    ['CPUAccounting', variant('b', true)],
    [host.layout === 'unified' ? 'IOAccounting' : 'BlockIOAccounting', variant('b', true)],
    ['TasksAccounting', variant('b', true)],
    ...resourceProperties(r, host, false),
    ...extra,
  ];
}

/** "252.39-1~deb12u1" → 252; 0 when it does not start with a number. */
export function systemdMajor(version: string): number {
  const m = /^v?(\d+)/.exec(version.trim());
  return m ? Number(m[1]) : 0;
}
