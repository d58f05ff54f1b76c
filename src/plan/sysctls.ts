/**
 * linux.sysctl → writes under /proc/sys in the container (config-linux.md "Sysctl"). A runtime
 * that is not root can set only the sysctls of namespaces the container has of its own (its
 * user namespace owns them); the others are the host's and an error naming the key. Which
 * namespace a sysctl belongs to is runc's table (libcontainer/configs/validate). Pure.
 */
import { BerthError } from '../errors.js';
import type { PlanOp } from './ops.js';
import { pointer } from '../validate/pointer.js';

const IPC = new Set(['kernel.msgmax', 'kernel.msgmnb', 'kernel.msgmni', 'kernel.sem', 'kernel.shmall', 'kernel.shmmax', 'kernel.shmmni', 'kernel.shm_rmid_forced']);
const UTS = new Set(['kernel.hostname', 'kernel.domainname']);

/** The namespace type a sysctl belongs to; undefined: not namespaced (the host's). */
export function sysctlNamespace(key: string): 'ipc' | 'uts' | 'network' | undefined {
  if (IPC.has(key) || key.startsWith('fs.mqueue.')) return 'ipc';
  if (UTS.has(key)) return 'uts';
  if (key.startsWith('net.')) return 'network';
  return undefined;
}

export function sysctlOps(linux: any, rootless: boolean): PlanOp[] {
  const own = new Set<string>((linux?.namespaces ?? []).filter((n: any) => !n?.path).map((n: any) => n?.type));
  return Object.entries(linux?.sysctl ?? {}).map(([key, value]) => {
    if (rootless) {
      const ns = sysctlNamespace(key);
      if (!ns || !own.has(ns)) {
        throw new BerthError(
          `config.json: /linux/sysctl/${key}: not root, berth can set only sysctls of namespaces the container has of its own` +
            (ns ? ` (${key} needs a new ${ns} namespace)` : ` (${key} is not namespaced: it is the host's)`),
        );
      }
    }
    return { op: 'WRITE_FILE', args: [`/proc/sys/${key.replace(/\./g, '/')}`, String(value)], what: `set sysctl ${key}=${value}`, from: pointer('linux', 'sysctl', key) };
  });
}
