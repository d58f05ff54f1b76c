import type { CgroupRecord } from '../cgroups/index.js';
import type { StoredSeccomp } from '../seccomp/plan.js';
import type { RdtRecord } from '../intelrdt/group.js';

export type Status = 'creating' | 'created' | 'running' | 'paused' | 'stopped';

/** What berth keeps about a container in <root>/<id>/state.json. */
export interface ContainerRecord {
  ociVersion: string;
  id: string;
  pid: number;
  /** /proc/PID/stat field 22 of the init: guards against pid reuse. */
  initStartTime: number;
  bundle: string;
  rootfs: string;
  created: string;
  owner: string;
  annotations: Record<string, string>;
  /** The config as validated at create time (the bundle may change afterwards). */
  config: any;
  cgroup?: CgroupRecord;
  /** Set by `run` (not --detach) and `create`: the namespace paths of the init, for exec. */
  namespaces: { type: string; path?: string }[];
  /** The compiled seccomp filter of the container, reused by `exec`. */
  seccomp?: StoredSeccomp;
  /** Created with --no-new-keyring: exec does not join a `_ses.<id>` keyring either. */
  noNewKeyring?: boolean;
  /** linux.intelRdt: the resctrl groups the container is in, and which of them berth made. */
  intelRdt?: RdtRecord;
  /** What each plan step does, to describe an error the init reports at `start`. */
  steps?: string[];
}

/** OCI state JSON (runtime.md) plus runc's extra fields, as `berth state` prints it. */
export function ociState(rec: ContainerRecord, status: Status): Record<string, unknown> {
  const out: Record<string, unknown> = {
    ociVersion: rec.ociVersion,
    id: rec.id,
    pid: status === 'stopped' ? 0 : rec.pid,
    status,
    bundle: rec.bundle,
    rootfs: rec.rootfs,
    created: rec.created,
  };
  // runc's order and shape: annotations only when there are some, then owner.
  if (rec.annotations && Object.keys(rec.annotations).length > 0) out.annotations = rec.annotations;
  out.owner = rec.owner;
  return out;
}

/**
 * Now as Go's RFC3339Nano (runc's `created`): nanosecond digits with trailing zeros cut, none
 * when the fraction is 0. The clock is Node's high-resolution wall time (performance.timeOrigin
 * + now(), microseconds in practice).
 */
export function rfc3339Nano(ns: bigint = BigInt(Math.round((performance.timeOrigin + performance.now()) * 1e6))): string {
  const ms = ns / 1_000_000n;
  const base = new Date(Number(ms)).toISOString().slice(0, 19);
  const frac = (ns % 1_000_000_000n).toString().padStart(9, '0').replace(/0+$/, '');
  return `${base}${frac ? `.${frac}` : ''}Z`;
}
