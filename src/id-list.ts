/**
 * The kernel's list format for CPUs and NUMA nodes ("0-3,7": cpuset.cpus, /sys/devices/system/
 * node/online, process.execCPUAffinity, linux.memoryPolicy.nodes) and the bitmap the syscalls
 * take (sched_setaffinity(2), set_mempolicy(2): bit n of byte n/8 is id n, the layout of an array
 * of little-endian unsigned longs). Pure.
 */

/** The highest id a list may name (runc's bound too): a bitmap of 8 KiB at most. */
export const MAX_LIST_ID = 65535;

/**
 * "0-3,7" → [0,1,2,3,7], sorted, without repeats. Spaces around an element and empty elements
 * (a trailing comma) are allowed, as runc allows them; "" is []. Throws an Error whose message
 * says what is wrong (for "config.json: /pointer: <message>").
 */
export function parseIdList(text: string, max = MAX_LIST_ID): number[] {
  const ids = new Set<number>();
  for (const raw of text.split(',')) {
    const part = raw.trim();
    if (part === '') continue;
    const m = /^(\d+)(?:-(\d+))?$/.exec(part);
    if (!m) throw new Error(`${JSON.stringify(part)} is not a number or a range N-M`);
    const from = Number(m[1]);
    const to = m[2] === undefined ? from : Number(m[2]);
    if (to < from) throw new Error(`the range ${part} ends before it starts`);
    if (to > max) throw new Error(`${to} is above the highest supported id ${max}`);
    for (let n = from; n <= to; n++) ids.add(n);
  }
  return [...ids].sort((a, b) => a - b);
}

/** The ids as a bitmap of whole unsigned longs (8 bytes each), as the kernel reads one. */
export function idBitmap(ids: readonly number[]): Buffer {
  const top = ids.length ? Math.max(...ids) : -1;
  const buf = Buffer.alloc(Math.max(8, Math.ceil((top + 1) / 64) * 8));
  for (const n of ids) buf[n >> 3]! |= 1 << (n & 7);
  return buf;
}

/** A bitmap back to its ids. */
export function bitmapIds(buf: Buffer): number[] {
  const ids: number[] = [];
  for (let i = 0; i < buf.length * 8; i++) if (buf[i >> 3]! & (1 << (i & 7))) ids.push(i);
  return ids;
}

/** Sorted ids → the list format, ranges joined: [0,1,2,3,7] → "0-3,7". */
export function formatIdList(ids: readonly number[]): string {
  const parts: string[] = [];
  for (let i = 0; i < ids.length; ) {
    let j = i;
    while (j + 1 < ids.length && ids[j + 1] === ids[j]! + 1) j++;
    parts.push(j === i ? String(ids[i]) : `${ids[i]}-${ids[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}
