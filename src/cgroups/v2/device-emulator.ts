/**
 * The v1 devices controller's semantics, as a pure function, so that cgroup v2 (which has no
 * devices files, only an eBPF program) enforces exactly what v1 would for the same rules
 * (runc does the same: an emulator, then a program from its result).
 *
 * The kernel keeps a default behaviour (allow or deny) and a list of exceptions:
 * - a rule of type `a` resets: allow → default allow, deny → default deny; the list is cleared
 *   (the kernel reads only the `a`: numbers and access are ignored);
 * - a rule in the default's direction (a deny under default deny, an allow under default allow)
 *   takes its access away from the exception with the *same* type and numbers (wildcards
 *   included, no pattern matching), dropping it when nothing is left;
 * - a rule against the default adds an exception, or adds its access to the same one.
 * Checking a request: under default deny, one exception that matches the device must grant
 * every requested access; under default allow, any matching exception sharing one requested
 * access denies.
 */
import type { DeviceRule } from '../devices.js';

export interface DeviceException {
  type: 'b' | 'c';
  major: bigint | undefined; // undefined: any
  minor: bigint | undefined;
  access: string; // a subset of "rwm", in that order
}

export interface DeviceState {
  defaultAllow: boolean;
  exceptions: DeviceException[];
}

const ORDER = 'rwm';

function accessSet(a: string): Set<string> {
  return new Set([...a].filter((c) => ORDER.includes(c)));
}

function canon(s: Set<string>): string {
  return [...ORDER].filter((c) => s.has(c)).join('');
}

/** The final state after applying rules in order on a deny-all baseline. */
export function emulateDeviceRules(rules: readonly DeviceRule[]): DeviceState {
  const st: DeviceState = { defaultAllow: false, exceptions: [] };
  for (const r of rules) {
    if (r.type === 'a') {
      st.defaultAllow = r.allow;
      st.exceptions = [];
      continue;
    }
    const i = st.exceptions.findIndex((e) => e.type === r.type && e.major === r.major && e.minor === r.minor);
    const acc = accessSet(r.access);
    if (r.allow === st.defaultAllow) {
      if (i < 0) continue;
      const left = accessSet(st.exceptions[i]!.access);
      for (const c of acc) left.delete(c);
      if (left.size === 0) st.exceptions.splice(i, 1);
      else st.exceptions[i] = { ...st.exceptions[i]!, access: canon(left) };
    } else if (i < 0) {
      if (acc.size) st.exceptions.push({ type: r.type, major: r.major, minor: r.minor, access: canon(acc) });
    } else {
      const merged = accessSet(st.exceptions[i]!.access);
      for (const c of acc) merged.add(c);
      st.exceptions[i] = { ...st.exceptions[i]!, access: canon(merged) };
    }
  }
  return st;
}

function matches(e: DeviceException, type: 'b' | 'c', major: bigint, minor: bigint): boolean {
  return e.type === type && (e.major === undefined || e.major === major) && (e.minor === undefined || e.minor === minor);
}

/** Whether the state grants `access` (a subset of "rwm") on a device: the kernel's check. */
export function deviceAllowed(st: DeviceState, type: 'b' | 'c', major: bigint, minor: bigint, access: string): boolean {
  const want = accessSet(access);
  if (st.defaultAllow) {
    return !st.exceptions.some((e) => matches(e, type, major, minor) && [...want].some((c) => e.access.includes(c)));
  }
  return st.exceptions.some((e) => matches(e, type, major, minor) && [...want].every((c) => e.access.includes(c)));
}
