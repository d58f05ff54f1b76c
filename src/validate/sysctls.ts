/**
 * Which linux.sysctl keys a container may set (config-linux.md "Sysctl"). /proc/sys is only
 * partly namespaced: a key outside the container's own namespaces is the host's, and writing it
 * through the container's /proc/sys would change the host. The rules are runc's
 * (libcontainer/configs/validate in github.com/opencontainers/runc), for root and rootless alike:
 *
 * | keys                                                   | allowed with                                 |
 * |--------------------------------------------------------|----------------------------------------------|
 * | kernel.msgmax/msgmnb/msgmni/sem/shmall/shmmax/shmmni/shm_rmid_forced, fs.mqueue.* | a new ipc namespace |
 * | net.*                                                  | a new network namespace, or one joined by path that is not the runtime's own |
 * | kernel.domainname                                      | a new uts namespace                          |
 * | kernel.hostname                                        | never: the OCI `hostname` field sets it      |
 * | anything else                                          | never: not namespaced, the host's            |
 *
 * A key may use "/" as its separator (sysctl.d(5)): `net/ipv4/conf/eth0.100/rp_filter`.
 * Pure: whether a path is the runtime's own network namespace is asked of `isOwnNetns`.
 */
import { BerthError } from '../errors.js';
import { pointer } from './pointer.js';

const IPC = new Set(['kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem', 'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced']);

/** The key in its dotted form (a key whose first separator is "/" has "." and "/" swapped). */
export function dottedSysctl(key: string): string {
  const i = key.search(/[./]/);
  if (i < 0 || key[i] === '.') return key;
  return key.replace(/[./]/g, (c) => (c === '.' ? '/' : '.'));
}

/** The key's file under /proc/sys, relative ("net/ipv4/ip_forward"). */
export function sysctlFile(key: string): string {
  return dottedSysctl(key).replace(/[./]/g, (c) => (c === '.' ? '/' : '.'));
}

/** The namespace type a sysctl belongs to; undefined: not namespaced (the host's). */
export function sysctlNamespace(key: string): 'ipc' | 'uts' | 'network' | undefined {
  const k = dottedSysctl(key);
  if (IPC.has(k) || k.startsWith('fs.mqueue.')) return 'ipc';
  if (k === 'kernel.hostname' || k === 'kernel.domainname') return 'uts';
  if (k.startsWith('net.')) return 'network';
  return undefined;
}

/**
 * Throws for the first key the container may not set, naming `/linux/sysctl/KEY`.
 * `isOwnNetns(path)`: the network namespace at path is the runtime's own (it throws, with the
 * reason, when the path cannot be examined).
 */
export function checkSysctls(linux: any, isOwnNetns: (path: string) => boolean): void {
  const namespaces: any[] = linux?.namespaces ?? [];
  const fresh = (type: string) => namespaces.some((n) => n?.type === type && !n.path);
  const netIndex = namespaces.findIndex((n) => n?.type === 'network');
  for (const key of Object.keys(linux?.sysctl ?? {})) {
    const k = dottedSysctl(key);
    const fail = (why: string) => new BerthError(`config.json: ${pointer('linux', 'sysctl', key)}: sysctl "${k}" ${why}`);
    if (sysctlFile(key).split('/').some((part) => part === '' || part === '.' || part === '..')) throw fail('is not a sysctl name (an empty, "." or ".." component)');
    switch (sysctlNamespace(key)) {
      case 'ipc':
        if (!fresh('ipc')) throw fail("is not allowed in the host's ipc namespace: it needs a new ipc namespace (/linux/namespaces: ipc without a path)");
        break;
      case 'network': {
        const ns = namespaces[netIndex];
        if (!ns) throw fail('is not allowed in the host network namespace: it needs a new network namespace, or one joined by path that is not the runtime\'s own');
        if (!ns.path) break;
        const where = `${pointer('linux', 'namespaces', netIndex, 'path')} (${ns.path})`;
        let own: boolean;
        try {
          own = isOwnNetns(ns.path);
        } catch (e) {
          throw fail(`needs a network namespace of the container's own: ${where}: ${(e as Error).message}`);
        }
        if (own) throw fail(`is not allowed in the host network namespace: ${where} is the runtime's own network namespace`);
        break;
      }
      case 'uts':
        if (k === 'kernel.hostname') throw fail('is not allowed: it conflicts with the OCI "hostname" field (/hostname)');
        if (!fresh('uts')) throw fail('is not in a separate kernel namespace: it needs a new uts namespace (/linux/namespaces: uts without a path)');
        break;
      default:
        throw fail("is not in a separate kernel namespace (not namespaced: it is the host's)");
    }
  }
}
