/**
 * cgroup v2: a controller's files exist in a cgroup only if its parent enables it in
 * cgroup.subtree_control. On a unified host, as runc's fs2 driver does, enable every available
 * controller at each level from the hierarchy root down to the container's parent. Failures are
 * ignored here (a parent with processes of its own refuses, "no internal processes"); a resource
 * that then needs a missing controller fails with its field named.
 */
import { join, relative } from 'node:path';
import { readControl, writeControl } from '../apply.js';

/** How enableControllers reads and writes (the real files, or create --dry-run's view). */
export interface ControlIo {
  read(path: string): string | undefined;
  write(path: string, value: string): void;
}

const REAL: ControlIo = { read: readControl, write: writeControl };

export function enableControllers(mountpoint: string, leaf: string, io: ControlIo = REAL): void {
  const rel = relative(mountpoint, leaf);
  if (rel.startsWith('..') || rel === '') return;
  const parts = rel.split('/');
  let dir = mountpoint;
  for (let i = 0; i < parts.length; i++) {
    const available = (io.read(join(dir, 'cgroup.controllers')) ?? '').split(/\s+/).filter(Boolean);
    const enabled = new Set((io.read(join(dir, 'cgroup.subtree_control')) ?? '').split(/\s+/).filter(Boolean));
    const missing = available.filter((c) => !enabled.has(c));
    if (missing.length) {
      try {
        io.write(join(dir, 'cgroup.subtree_control'), missing.map((c) => `+${c}`).join(' '));
      } catch {
        for (const c of missing) {
          try {
            io.write(join(dir, 'cgroup.subtree_control'), `+${c}`);
          } catch {
            // left disabled; see above
          }
        }
      }
    }
    dir = join(dir, parts[i]!);
  }
}
