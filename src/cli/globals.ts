/** Global options, as runc takes them. */
export interface Globals {
  root: string;
  log?: string;
  logFormat: 'text' | 'json';
  debug: boolean;
  systemdCgroup: boolean;
  rootless: string;
  /** From --rootless: a cgroup the runtime may not make is skipped with a warning (runc). */
  rootlessCgroups: boolean;
}

export const DEFAULT_ROOT = '/run/berth';

/** The host facts `--root`'s and `--rootless`'s defaults depend on. */
export interface Invoker {
  euid: number;
  env: Record<string, string | undefined>;
  /** Runs in a user namespace other than the initial one (/proc/self/uid_map is not the identity). */
  inUserns: boolean;
}

/**
 * runc's rule for the default `--root`: $XDG_RUNTIME_DIR/berth when XDG_RUNTIME_DIR is set and
 * berth is not root, or is root only inside a user namespace with $USER unset or not "root"
 * (rootless Podman calls the runtime there); /run/berth otherwise — real root ignores
 * XDG_RUNTIME_DIR (often /run/user/0). Pure.
 */
export function defaultRoot(who: Invoker): string {
  const xdg = who.env.XDG_RUNTIME_DIR;
  if (!xdg) return DEFAULT_ROOT;
  if (who.euid !== 0) return `${xdg.replace(/\/+$/, '')}/berth`;
  if (!who.inUserns) return DEFAULT_ROOT;
  return who.env.USER !== 'root' ? `${xdg.replace(/\/+$/, '')}/berth` : DEFAULT_ROOT;
}

/**
 * `--rootless true|false|auto` (runc): whether cgroups the runtime may not write are skipped.
 * auto: yes when not root, or root only inside a user namespace (cgroupfs driver; with
 * --systemd-cgroup, when the systemd manager is the user's, i.e. berth is not real root). Pure.
 */
export function rootlessCgroups(flag: string, who: Invoker): boolean {
  if (flag === 'true') return true;
  if (flag === 'false') return false;
  return who.euid !== 0 || who.inUserns;
}

/** Does /proc/self/uid_map say this process is in a user namespace other than the initial one? */
export function uidMapIsNested(uidMap: string): boolean {
  const lines = uidMap.trim().split('\n').map((l) => l.trim().split(/\s+/).join(' '));
  return !(lines.length === 1 && lines[0] === '0 0 4294967295');
}
