/**
 * The processes of a container that has no cgroup of its own (rootless, not delegated): with a
 * pid namespace of its own, every process in it (found by /proc/PID/ns/pid); without one, the
 * init and its descendants. What `ps` and `kill --all` use in place of cgroup.procs.
 */
import { readdirSync, readlinkSync } from 'node:fs';
import { isSameLiveProcess, readStat } from './proc.js';
import { errnoCode } from '../errors.js';
import { native } from '../native/addon.js';

function nsOf(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/ns/pid`);
  } catch {
    return undefined;
  }
}

function allPids(): number[] {
  return readdirSync('/proc').filter((n) => /^\d+$/.test(n)).map(Number);
}

/** From (pid, ppid) pairs: root and every process below it. Pure. */
export function descendants(root: number, pairs: [number, number][]): number[] {
  const kids = new Map<number, number[]>();
  for (const [pid, ppid] of pairs) kids.set(ppid, [...(kids.get(ppid) ?? []), pid]);
  const out: number[] = [];
  const todo = [root];
  while (todo.length) {
    const p = todo.pop()!;
    out.push(p);
    todo.push(...(kids.get(p) ?? []));
  }
  return out.sort((a, b) => a - b);
}

/** The container's processes (host pids, sorted); [] when its init is gone. */
export function containerMembers(init: { pid: number; startTime: number }, ownPidns: boolean): number[] {
  if (!isSameLiveProcess(init.pid, init.startTime)) return [];
  if (ownPidns) {
    const ns = nsOf(init.pid);
    if (ns === undefined) return [init.pid];
    return allPids().filter((p) => nsOf(p) === ns).sort((a, b) => a - b);
  }
  const pairs: [number, number][] = [];
  for (const p of allPids()) {
    const st = readStat(p);
    if (st) pairs.push([p, st.ppid]);
  }
  return descendants(init.pid, pairs);
}

/** Does the container have a pid namespace of its own (not joined by path)? Pure. */
export function ownPidns(rec: { namespaces: { type: string; path?: string }[] }): boolean {
  return rec.namespaces.some((n) => n.type === 'pid' && !n.path);
}

/**
 * Signal every process of a container without a cgroup of its own (kill --all, delete --force).
 * A process that exits between the listing and its pidfd (ESRCH, or EINVAL once its pid names a
 * thread elsewhere) is not an error.
 */
export function signalMembers(init: { pid: number; startTime: number }, ownPidns: boolean, signal: number): void {
  for (const pid of containerMembers(init, ownPidns)) {
    try {
      native().signalPid(pid, signal);
    } catch (e) {
      const code = errnoCode(e);
      if (code !== 'ESRCH' && code !== 'EINVAL') throw e;
    }
  }
}
