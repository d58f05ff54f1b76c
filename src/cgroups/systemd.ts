/**
 * The systemd cgroup driver (`--systemd-cgroup`, cgroupsPath "slice:prefix:name"). Driving
 * systemd over D-Bus is not implemented yet; where systemd does not run (this build machine),
 * asking for it fails with a clear error and never falls back to cgroupfs silently.
 */
import { existsSync } from 'node:fs';
import { CgroupError } from './errors.js';

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
    ? new CgroupError('systemd cgroup driver: not supported yet (berth cannot talk to systemd over D-Bus); run without --systemd-cgroup')
    : new CgroupError('systemd cgroup driver: systemd is not running (no /run/systemd/system)');
}
