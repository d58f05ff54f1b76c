import type { Report } from './findings.js';
import { under } from './pointer.js';
import { parseIdList } from '../id-list.js';

const CAP_NAME = /^CAP_[A-Z0-9_]+$/;
const CAP_SETS = ['bounding', 'effective', 'inheritable', 'permitted', 'ambient'] as const;

/**
 * The process object (config.md "Process", "POSIX process", "Linux Process", "User"), at `base`
 * ("/process" in config.json, "" in a process.json). Unknown capabilities are warnings (config.md:
 * they MUST be logged as warnings and SHOULD NOT fail).
 */
export function checkProcess(p: any, r: Report, base: string, knownCaps?: ReadonlySet<string>): void {
  if (!p.cwd.startsWith('/')) r.error(under(base, 'cwd'), `must be an absolute path, not ${JSON.stringify(p.cwd)}`);
  if (p.args === undefined) r.error(under(base, 'args'), 'is required (the program to run)');
  else if (p.args.length === 0) r.error(under(base, 'args'), 'must have at least one entry (the program to run)');
  // A NUL cannot pass execve: the string would be cut there without a word.
  for (const field of ['args', 'env'] as const) {
    (p[field] ?? []).forEach((v: unknown, i: number) => {
      if (typeof v === 'string' && v.includes('\0')) r.error(under(base, field, i), 'must not contain a NUL character');
    });
  }
  if (typeof p.cwd === 'string' && p.cwd.includes('\0')) r.error(under(base, 'cwd'), 'must not contain a NUL character');
  if (p.user) {
    for (const id of ['uid', 'gid']) if (p.user[id] === undefined) r.error(under(base, 'user', id), 'is required');
  }
  const seen = new Map<string, number>();
  (p.rlimits ?? []).forEach((l: any, i: number) => {
    const first = seen.get(l.type);
    if (first !== undefined) r.error(under(base, 'rlimits', i, 'type'), `duplicate rlimit ${l.type} (also at ${under(base, 'rlimits', first)})`);
    else seen.set(l.type, i);
  });
  for (const set of CAP_SETS) {
    (p.capabilities?.[set] ?? []).forEach((cap: string, i: number) => {
      if (knownCaps ? !knownCaps.has(cap) : !CAP_NAME.test(cap)) {
        r.warn(under(base, 'capabilities', set, i), `${cap} is not ${knownCaps ? 'known to this kernel' : 'a capability name'}; ignored`);
      }
    });
  }
  if (p.ioPriority) {
    const prio = p.ioPriority.priority;
    if (prio === undefined) r.error(under(base, 'ioPriority', 'priority'), 'is required');
    else if (prio < 0 || prio > 7) r.error(under(base, 'ioPriority', 'priority'), 'must be between 0 (highest) and 7 (lowest)');
  }
  for (const field of ['initial', 'final'] as const) {
    const list = p.execCPUAffinity?.[field];
    if (typeof list === 'string') checkIdList(list, 'CPU', under(base, 'execCPUAffinity', field), r);
  }
}

/** A CPU or node list ("0-3,7"; "" counts as not given, config.md). */
export function checkIdList(list: string, what: 'CPU' | 'node', at: string, r: Report): void {
  try {
    if (list.trim() !== '' && parseIdList(list).length === 0) r.error(at, `names no ${what}`);
  } catch (e) {
    r.error(at, `${JSON.stringify(list)} is not a ${what} list like "0-3,7": ${(e as Error).message}`);
  }
}
