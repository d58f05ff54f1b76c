import { readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BerthError, describeErrno, errnoCode } from '../errors.js';
import type { CgroupRecord } from '../cgroups/types.js';
import type { StoredSeccomp } from '../seccomp/plan.js';

/**
 * berth's own records in a checkpoint image dir, beside CRIU's images: what restore needs that
 * CRIU does not keep (the config with its hooks, the cgroup record, the compiled seccomp program
 * exec reuses, the container's stdio at dump). A checkpoint moved to another host carries them.
 */
export const RECORD_FILE = 'berth-checkpoint.json';

export interface CheckpointRecord {
  berthCheckpoint: 1;
  id: string;
  bundle: string;
  rootfs: string;
  config: any;
  cgroup?: CgroupRecord;
  seccomp?: StoredSeccomp;
  noNewKeyring?: boolean;
  /** /proc/PID/fd/0..2 of the init at dump ("pipe:[123]", "/dev/null"). */
  descriptors: string[];
}

export function writeRecord(imageDir: string, rec: CheckpointRecord): void {
  writeFileSync(join(imageDir, RECORD_FILE), JSON.stringify(rec), { mode: 0o600 });
}

export function removeRecord(imageDir: string): void {
  rmSync(join(imageDir, RECORD_FILE), { force: true });
}

/** The record of the image at imageDir; errors name the flag and the path. */
export function readRecord(imageDir: string): CheckpointRecord {
  try {
    if (!statSync(imageDir).isDirectory()) throw new BerthError(`--image-path ${imageDir}: not a directory`);
  } catch (e) {
    if (e instanceof BerthError) throw e;
    throw new BerthError(`--image-path ${imageDir}: ${errnoCode(e) === 'ENOENT' ? 'no such directory' : describeErrno(e)}`);
  }
  let text: string;
  try {
    text = readFileSync(join(imageDir, RECORD_FILE), 'utf8');
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') throw new BerthError(`--image-path ${imageDir}: not a berth checkpoint (no ${RECORD_FILE})`);
    throw new BerthError(`--image-path ${imageDir}: ${describeErrno(e)}`);
  }
  try {
    const rec = JSON.parse(text);
    if (rec?.berthCheckpoint !== 1 || typeof rec.config !== 'object') throw new Error('shape');
    return rec as CheckpointRecord;
  } catch {
    throw new BerthError(`${join(imageDir, RECORD_FILE)}: corrupt checkpoint record`);
  }
}

/** What a restore cannot change from the dump: the mount table and the namespaces CRIU rebuilds. */
function shape(config: any): { mounts: string[]; namespaces: string[]; terminal: boolean } {
  return {
    mounts: (config.mounts ?? []).map((m: any) => `${m.destination} ${m.type ?? ''}`),
    namespaces: (config.linux?.namespaces ?? []).map((n: any) => n.type).sort(),
    terminal: Boolean(config.process?.terminal),
  };
}

/**
 * The bundle's config must describe the container the image was made from: the same mount
 * destinations and types, namespaces and terminal (sources, limits and hooks may differ, as
 * when moving to another host). Returns the first difference, or undefined.
 */
export function configMismatch(image: any, bundle: any): string | undefined {
  const a = shape(image);
  const b = shape(bundle);
  const n = Math.max(a.mounts.length, b.mounts.length);
  const at = [...Array(n).keys()].find((k) => a.mounts[k] !== b.mounts[k]);
  if (at !== undefined) {
    return `config.json: /mounts/${at}: ${b.mounts[at] ?? '(none)'} where the checkpoint has ${a.mounts[at] ?? '(none)'}`;
  }
  if (a.namespaces.join() !== b.namespaces.join()) return `config.json: /linux/namespaces: ${b.namespaces.join(',') || '(none)'} where the checkpoint has ${a.namespaces.join(',') || '(none)'}`;
  if (a.terminal !== b.terminal) return `config.json: /process/terminal: ${b.terminal} where the checkpoint has ${a.terminal}`;
  return undefined;
}
