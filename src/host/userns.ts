/**
 * User namespaces as a container (linux.namespaces "user") or an unprivileged caller needs them:
 * the kernel's limit, whether unprivileged users may make one, the current user's subordinate id
 * ranges (/etc/subuid, /etc/subgid) and the setuid helpers newuidmap/newgidmap.
 */
import { readFileSync } from 'node:fs';
import { which } from './which.js';

export interface UsernsHost {
  /** /proc/sys/user/max_user_namespaces (0: none can be made), null when unreadable. */
  maxUserNamespaces: number | null;
  /** Unprivileged users may make one: kernel.unprivileged_userns_clone (Debian) is not 0 and
   * kernel.apparmor_restrict_unprivileged_userns (Ubuntu) is not 1. */
  unprivileged: boolean;
  /** Why not, naming the sysctl. */
  unprivilegedBlockedBy?: string;
  user: string;
  subuid: { start: number; count: number }[];
  subgid: { start: number; count: number }[];
  newuidmap: string | null;
  newgidmap: string | null;
}

function sysctl(path: string): string | undefined {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
}

/** The ranges of `user` (name or uid) in an /etc/subuid-style file. Pure given the text. */
export function subIdRanges(text: string, user: string, uid: number): { start: number; count: number }[] {
  const out: { start: number; count: number }[] = [];
  for (const line of text.split('\n')) {
    const [who, start, count] = line.trim().split(':');
    if ((who === user || who === String(uid)) && /^\d+$/.test(start ?? '') && /^\d+$/.test(count ?? '')) out.push({ start: Number(start), count: Number(count) });
  }
  return out;
}

/** The name of uid in /etc/passwd (os.userInfo() says "unknown" under Bun), else the uid. */
function userName(uid: number): string {
  for (const line of (sysctl('/etc/passwd') ?? '').split('\n')) {
    const f = line.split(':');
    if (f[2] === String(uid) && f[0]) return f[0];
  }
  return String(uid);
}

export function probeUserns(): UsernsHost {
  const max = sysctl('/proc/sys/user/max_user_namespaces');
  const clone = sysctl('/proc/sys/kernel/unprivileged_userns_clone');
  const aa = sysctl('/proc/sys/kernel/apparmor_restrict_unprivileged_userns');
  const blockedBy = clone === '0' ? 'kernel.unprivileged_userns_clone = 0' : aa === '1' ? 'kernel.apparmor_restrict_unprivileged_userns = 1' : undefined;
  const uid = process.getuid?.() ?? 0;
  const me = { uid, username: userName(uid) };
  const file = (p: string) => sysctl(p) ?? '';
  return {
    maxUserNamespaces: max !== undefined && /^\d+$/.test(max) ? Number(max) : null,
    unprivileged: blockedBy === undefined && max !== '0',
    ...(blockedBy ? { unprivilegedBlockedBy: blockedBy } : {}),
    user: me.username,
    subuid: subIdRanges(file('/etc/subuid'), me.username, me.uid),
    subgid: subIdRanges(file('/etc/subgid'), me.username, me.uid),
    newuidmap: which('newuidmap'),
    newgidmap: which('newgidmap'),
  };
}
