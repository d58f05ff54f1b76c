import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import type { CgroupRecord } from '../cgroups/types.js';
import type { RdtRecord } from '../intelrdt/group.js';
import type { Store } from './store.js';
import { ociState, type ContainerRecord } from './record.js';
import type { ProcRef } from './proc.js';
import { readRecord, writeRecord, type RecordRead } from './record-file.js';
import { checkTeardownRecord } from './check-record.js';

export type { ProcRef } from './proc.js';

/** The teardown record's file, beside state.json in <root>/<id>/. */
export const INTENT_FILE = 'teardown.json';

/**
 * The teardown record: what a container has made or is about to make, in
 * <root>/<id>/teardown.json for the container's whole life, independent of state.json. `create`
 * writes each field before it makes the thing it names, so a create killed at any moment
 * (SIGKILL included) leaves a record from which `delete --force` finds and removes everything:
 * the cgroup dirs (and systemd unit), the init process, its creator. Once the container is made
 * the record holds the final cgroup, the init and the poststop hooks, so a container whose
 * state.json is damaged is still removed completely. berth makes no mounts outside the
 * container, so there are none to record.
 */
export interface CreateIntent {
  ociVersion: string;
  id: string;
  bundle: string;
  rootfs: string;
  created: string;
  owner: string;
  annotations?: Record<string, string>;
  /** The berth process doing the create. */
  creator: ProcRef;
  /** The container's cgroup; `created` lists the dirs create makes or may have made. */
  cgroup?: CgroupRecord;
  /** The container init (stage B), once the init reported it. */
  init?: ProcRef;
  /** The container has a pid namespace of its own (without a cgroup, its processes are found by it). */
  ownPidns?: boolean;
  /** config.json's hooks.poststop, run when the container is deleted. */
  poststop?: unknown[];
  /** The resctrl groups (linux.intelRdt) about to be made or joined, once the init's pid is known. */
  intelRdt?: RdtRecord;
}

export function intentPath(store: Store, id: string): string {
  return join(store.dir(id), INTENT_FILE);
}

/** Atomic, sealed write (state/record-file.ts), as state.json. */
export function writeIntent(store: Store, intent: CreateIntent): void {
  writeRecord(intentPath(store, intent.id), intent);
}

/** The teardown record: checked, absent, or damaged (with what is wrong). */
export function readIntent(store: Store, id: string): RecordRead<CreateIntent> {
  return readRecord<CreateIntent>(intentPath(store, id), (v) => checkTeardownRecord(v, id));
}

export function hasIntent(store: Store, id: string): boolean {
  return existsSync(intentPath(store, id));
}

/**
 * The cgroup dirs that making `paths` would create: every missing dir and missing ancestor,
 * parents first. Recorded before the mkdirs, so a create killed among them leaves none unknown.
 */
export function dirsToMake(paths: Record<string, string>): string[] {
  const out: string[] = [];
  for (const dir of new Set(Object.values(paths))) {
    const missing: string[] = [];
    for (let d = dir; !existsSync(d) && d !== dirname(d); d = dirname(d)) missing.unshift(d);
    for (const d of missing) if (!out.includes(d)) out.push(d);
  }
  return out;
}

/** The OCI state of a half-made container: status `creating` (runtime.md; runc shows the same). */
export function intentState(intent: CreateIntent): Record<string, unknown> {
  const rec = { ...intent, pid: intent.init?.pid ?? 0, annotations: intent.annotations ?? {} };
  return ociState(rec as unknown as ContainerRecord, 'creating');
}
