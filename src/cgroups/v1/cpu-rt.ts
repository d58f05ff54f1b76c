/**
 * v1 cpu.rt_runtime_us is a budget carved out of the parent's: the kernel refuses a child more
 * real-time runtime than its parent has (EINVAL), and a cgroup berth makes starts with 0. So
 * before the container's own value is written, every ancestor berth made for this container
 * (record.created, top-down) is given the same runtime when it has less (crun does the same);
 * ancestors berth did not make are never written. When the nearest such ancestor grants less
 * than asked, the error says so instead of the kernel's bare "invalid argument".
 */
import { dirname, join } from 'node:path';
import { CgroupError, errnoText } from '../errors.js';

const FIELD = 'linux.resources.cpu.realtimeRuntime';
const FILE = 'cpu.rt_runtime_us';

export interface RtWrite {
  dir: string;
  value: string;
}

/** Pure: the writes to make, from the leaf's cpu dir, the dirs made, the wanted runtime and a reader. */
export function planRtBudget(leaf: string, created: readonly string[], runtime: bigint, read: (path: string) => string | undefined): RtWrite[] {
  if (runtime <= 0n) return [];
  const made = new Set(created);
  const ancestors: string[] = [];
  for (let d = dirname(leaf); d !== dirname(d); d = dirname(d)) ancestors.unshift(d);
  const ours = ancestors.filter((d) => made.has(d));
  if (!ours.length) return [];
  const top = dirname(ours[0]!);
  const granted = read(join(top, FILE));
  if (granted !== undefined && /^-?\d+$/.test(granted) && BigInt(granted) >= 0n && BigInt(granted) < runtime) {
    throw new CgroupError(`${FIELD}: ${runtime} µs is more than the parent cgroup ${top} grants (${FILE} ${granted})`);
  }
  return ours.filter((d) => {
    const have = read(join(d, FILE));
    return have === undefined || !/^-?\d+$/.test(have) || (BigInt(have) >= 0n && BigInt(have) < runtime);
  }).map((dir) => ({ dir, value: runtime.toString() }));
}

export function applyRtBudget(writes: RtWrite[], write: (path: string, value: string) => void): void {
  for (const w of writes) {
    try {
      write(join(w.dir, FILE), w.value);
    } catch (e) {
      throw new CgroupError(`${FIELD}: write ${join(w.dir, FILE)} (a parent berth made): ${errnoText(e)}`);
    }
  }
}
