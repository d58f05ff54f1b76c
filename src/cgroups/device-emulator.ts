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
import type { DeviceRule } from './devices.js';

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

/**
 * The state a v1 `devices.list` shows. Under default deny it lists the exceptions ("c 1:3 rwm",
 * "*" for any); under default allow it shows only "a *:* rwm" and hides its exceptions, so that
 * state is unknown (undefined).
 */
export function parseDevicesList(text: string): DeviceState | undefined {
  const exceptions: DeviceException[] = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (!t) continue;
    const m = /^([abc]) (\*|\d+):(\*|\d+) ([rwm]+)$/.exec(t);
    if (!m) return undefined;
    if (m[1] === 'a') return undefined;
    const num = (s: string) => (s === '*' ? undefined : BigInt(s));
    exceptions.push({ type: m[1] as 'b' | 'c', major: num(m[2]!), minor: num(m[3]!), access: canon(accessSet(m[4]!)) });
  }
  return { defaultAllow: false, exceptions };
}

/**
 * The rules that take a default-deny state `from` to `to` (also default deny) without a reset:
 * first the access going away (denies, each on the exact exception as v1 wants), then the access
 * coming in (allows). Nothing that stays allowed is ever denied on the way (runc avoids the
 * transient deny the same way), and no `a` is written (the kernel refuses it on a cgroup with
 * children).
 */
export function deviceTransition(from: DeviceState, to: DeviceState): DeviceRule[] {
  if (from.defaultAllow || to.defaultAllow) throw new Error('deviceTransition: default-deny states only');
  const key = (e: DeviceException) => `${e.type} ${e.major ?? '*'}:${e.minor ?? '*'}`;
  const target = new Map(to.exceptions.map((e) => [key(e), e]));
  const current = new Map(from.exceptions.map((e) => [key(e), e]));
  const out: DeviceRule[] = [];
  for (const [k, e] of current) {
    const keep = accessSet(target.get(k)?.access ?? '');
    const drop = [...accessSet(e.access)].filter((c) => !keep.has(c));
    if (drop.length) out.push({ allow: false, type: e.type, major: e.major, minor: e.minor, access: canon(new Set(drop)) });
  }
  for (const [k, e] of target) {
    const have = accessSet(current.get(k)?.access ?? '');
    const add = [...accessSet(e.access)].filter((c) => !have.has(c));
    if (add.length) out.push({ allow: true, type: e.type, major: e.major, minor: e.minor, access: canon(new Set(add)) });
  }
  return out;
}
