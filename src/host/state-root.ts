import { statfsSync } from 'node:fs';
import { dirname } from 'node:path';

const TMPFS_MAGIC = 0x01021994;
const RAMFS_MAGIC = 0x858458f6;

/**
 * The filesystem under --root (or its nearest existing parent: create makes the dir): state
 * belongs on a tmpfs (runc's /run/runc), so that a reboot, which ends every container, also
 * forgets them.
 */
export function probeStateRoot(root: string): { dir: string; tmpfs: boolean; type: number } {
  for (let d = root; ; d = dirname(d)) {
    try {
      const s = statfsSync(d);
      return { dir: d, tmpfs: s.type === TMPFS_MAGIC || s.type === RAMFS_MAGIC, type: s.type };
    } catch {
      if (d === dirname(d)) return { dir: d, tmpfs: false, type: 0 };
    }
  }
}
