import { existsSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { errnoCode } from '../errors.js';
import type { CgroupRecord } from '../cgroups/types.js';
import type { RdtRecord } from '../intelrdt/group.js';
import type { Store } from './store.js';
import { ociState, type ContainerRecord } from './record.js';

export const INTENT_FILE = 'creating.json';

/** A process recorded by pid and /proc/PID/stat start time (pid reuse guard). */
export interface ProcRef {
  pid: number;
  startTime: number;
}

/**
 * What a `create` in progress has made or is about to make, in <root>/<id>/creating.json until
 * state.json replaces it. Each field is written before the thing it names is made, so a
 * create killed at any moment (SIGKILL included) leaves a record from which `delete --force`
 * finds and removes everything: the cgroup dirs (and systemd unit), the init process.
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
  /** The resctrl groups (linux.intelRdt) about to be made or joined, once the init's pid is known. */
  intelRdt?: RdtRecord;
}

export function intentPath(store: Store, id: string): string {
  return join(store.dir(id), INTENT_FILE);
}

/** Atomic write (temp file + rename), as state.json. */
export function writeIntent(store: Store, intent: CreateIntent): void {
  const file = intentPath(store, intent.id);
  const tmp = join(dirname(file), `.${INTENT_FILE}.${process.pid}`);
  writeFileSync(tmp, JSON.stringify(intent), { mode: 0o600 });
  renameSync(tmp, file);
}

/** The intent of a half-made container, or undefined when there is none (or it is unreadable). */
export function readIntent(store: Store, id: string): CreateIntent | undefined {
  let text: string;
  try {
    text = readFileSync(intentPath(store, id), 'utf8');
  } catch (e) {
    if (errnoCode(e) === 'ENOENT' || errnoCode(e) === 'ENOTDIR') return undefined;
    throw e;
  }
  try {
    const v = JSON.parse(text);
    return v && typeof v === 'object' && v.id === id ? (v as CreateIntent) : undefined;
  } catch {
    return undefined;
  }
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

/** Once state.json holds the container, the intent has served (a missing one is fine). */
export function removeIntent(store: Store, id: string): void {
  rmSync(intentPath(store, id), { force: true });
}

/** The OCI state of a half-made container: status `creating` (runtime.md; runc shows the same). */
export function intentState(intent: CreateIntent): Record<string, unknown> {
  const rec = { ...intent, pid: intent.init?.pid ?? 0, annotations: intent.annotations ?? {} };
  return ociState(rec as unknown as ContainerRecord, 'creating');
}
