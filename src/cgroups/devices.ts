/**
 * Device cgroup rules shared by v1 and v2: the spec's rules, normalised, and runc's default
 * allow list, which runc appends after the spec's rules (libcontainer/specconv AllowedDevices).
 * Rules apply in order on a deny-all baseline; the last matching rule wins.
 */
import { big } from './resources.js';
import { devNum } from './units.js';
import type { LinuxDeviceCgroup } from './types.js';

export interface DeviceRule {
  allow: boolean;
  type: 'a' | 'b' | 'c';
  major: bigint | undefined; // undefined: any
  minor: bigint | undefined;
  access: string;
}

function rule(allow: boolean, type: 'a' | 'b' | 'c', major: number | undefined, minor: number | undefined, access: string): DeviceRule {
  return { allow, type, major: major === undefined ? undefined : BigInt(major), minor: minor === undefined ? undefined : BigInt(minor), access };
}

/** runc's default allowed devices (mknod of anything; null, zero, full, random, urandom, tty, pts, ptmx). */
export const DEFAULT_DEVICE_RULES: readonly DeviceRule[] = [
  rule(true, 'c', undefined, undefined, 'm'),
  rule(true, 'b', undefined, undefined, 'm'),
  rule(true, 'c', 1, 3, 'rwm'), // /dev/null
  rule(true, 'c', 1, 8, 'rwm'), // /dev/random
  rule(true, 'c', 1, 7, 'rwm'), // /dev/full
  rule(true, 'c', 5, 0, 'rwm'), // /dev/tty
  rule(true, 'c', 1, 5, 'rwm'), // /dev/zero
  rule(true, 'c', 1, 9, 'rwm'), // /dev/urandom
  rule(true, 'c', 136, undefined, 'rwm'), // /dev/pts/*
  rule(true, 'c', 5, 2, 'rwm'), // /dev/ptmx
];

export function normaliseRule(d: LinuxDeviceCgroup): DeviceRule {
  const major = big(d.major);
  const minor = big(d.minor);
  return {
    allow: d.allow,
    type: (d.type ?? 'a') as DeviceRule['type'],
    major: major === undefined || major < 0n ? undefined : major,
    minor: minor === undefined || minor < 0n ? undefined : minor,
    // Absent or empty: every access. Letters other than r, w, m are dropped (as runc; the
    // validator warned), in the kernel's order.
    access: d.access ? 'rwm'.split('').filter((c) => d.access!.includes(c)).join('') : 'rwm',
  };
}

/** "c 1:3 rwm", as devices.allow/devices.deny take it. */
export function ruleString(r: DeviceRule): string {
  return `${r.type} ${devNum(r.major)}:${devNum(r.minor)} ${r.access}`;
}

export function isDenyAll(r: DeviceRule): boolean {
  return !r.allow && r.type === 'a' && r.major === undefined && r.minor === undefined && /^(?=.*r)(?=.*w)(?=.*m)[rwm]+$/.test(r.access);
}

function sameRule(a: DeviceRule, b: DeviceRule): boolean {
  return a.allow === b.allow && a.type === b.type && a.major === b.major && a.minor === b.minor &&
    [...a.access].sort().join('') === [...b.access].sort().join('');
}

/**
 * Whether the spec's rules ask for nothing beyond the default policy (deny all, then the default
 * allow list): every rule is a deny-all or one of the default allows.
 */
export function isDefaultPolicy(rules: DeviceRule[]): boolean {
  return rules.every((r) => isDenyAll(r) || DEFAULT_DEVICE_RULES.some((d) => sameRule(d, r)));
}

/** The rules to apply, in order: the spec's, then the defaults. */
export function effectiveRules(spec: LinuxDeviceCgroup[] | undefined): DeviceRule[] {
  return [...(spec ?? []).map(normaliseRule), ...DEFAULT_DEVICE_RULES];
}
