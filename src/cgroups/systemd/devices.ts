/**
 * The container's device rules as systemd unit properties (cgroup v1 hosts): DevicePolicy and
 * DeviceAllow, so that systemd, when it rewrites the scope's devices.* files (daemon-reload,
 * set-property), writes the same policy berth wrote instead of its default "allow everything".
 * Pure. The rules are emulated first (device-emulator.ts); the result maps as runc maps it:
 *
 * - default deny → DevicePolicy=strict, an empty DeviceAllow (it resets the list: systemd appends
 *   otherwise) and one DeviceAllow entry per exception:
 *   "c 1:3 rwm" → ("/dev/char/1:3", "rwm"); "c 136:* rwm" → ("char-pts", "rwm") through the major's
 *   name in /proc/devices; "c *:* m" → ("char-*", "m"). An exception systemd cannot name (a
 *   major missing from /proc/devices, "c *:5") is left out: after a reload systemd would deny it,
 *   never allow more than berth did.
 * - default allow with no exceptions → DevicePolicy=auto, no DeviceAllow (everything).
 * - default allow with deny exceptions → systemd has no deny list: DevicePolicy=auto, so a reload
 *   would drop those denies (as with runc); berth's own files still enforce them until then.
 */
import type { DbusValue } from './dbus/wire.js';
import { variant } from './dbus/wire.js';
import { emulateDeviceRules, type DeviceException } from '../device-emulator.js';
import { effectiveRules } from '../devices.js';
import type { LinuxDeviceCgroup } from '../types.js';

/** /proc/devices → "c"/"b" + major → group name. */
export function parseProcDevices(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let type: 'c' | 'b' | undefined;
  for (const line of text.split('\n')) {
    if (/^Character devices:/.test(line)) type = 'c';
    else if (/^Block devices:/.test(line)) type = 'b';
    else {
      const m = /^\s*(\d+)\s+(\S+)\s*$/.exec(line);
      if (m && type && !out.has(`${type}${m[1]}`)) out.set(`${type}${m[1]}`, m[2]!);
    }
  }
  return out;
}

/** One exception as a DeviceAllow entry's path, undefined when systemd cannot name it. */
export function deviceAllowPath(e: DeviceException, groups: Map<string, string>): string | undefined {
  const kind = e.type === 'c' ? 'char' : 'block';
  if (e.major === undefined) return e.minor === undefined ? `${kind}-*` : undefined;
  if (e.minor === undefined) {
    const name = groups.get(`${e.type}${e.major}`);
    return name === undefined ? undefined : `${kind}-${name}`;
  }
  return `/dev/${kind}/${e.major}:${e.minor}`;
}

export function devicePolicyProperties(spec: LinuxDeviceCgroup[] | undefined, procDevices: string): DbusValue[] {
  const st = emulateDeviceRules(effectiveRules(spec));
  if (st.defaultAllow) return [['DevicePolicy', variant('s', 'auto')]];
  const groups = parseProcDevices(procDevices);
  const allow: DbusValue[] = [];
  for (const e of st.exceptions) {
    const path = deviceAllowPath(e, groups);
    if (path !== undefined) allow.push([path, e.access]);
  }
  // An empty DeviceAllow first: systemd appends to the list it has otherwise (update).
  return [['DevicePolicy', variant('s', 'strict')], ['DeviceAllow', variant('a(ss)', [])], ['DeviceAllow', variant('a(ss)', allow)]];
}
