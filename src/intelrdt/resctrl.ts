import { readFileSync } from 'node:fs';
import { unescape } from '../host/fs-type.js';

/**
 * Where the resctrl filesystem (Intel RDT's kernel interface) is mounted, from mountinfo text
 * (proc(5)): the first mount whose type is `resctrl`, as runc finds it; undefined when none. Pure.
 */
export function resctrlMountIn(mountinfo: string): string | undefined {
  for (const line of mountinfo.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    if (line.slice(sep + 3).split(' ')[0] === 'resctrl') return unescape(line.slice(0, sep).split(' ')[4] ?? '') || undefined;
  }
  return undefined;
}

/** The resctrl mount in the runtime's mount namespace (the spec's words), or undefined. */
export function resctrlMount(): string | undefined {
  try {
    return resctrlMountIn(readFileSync('/proc/self/mountinfo', 'utf8'));
  } catch {
    return undefined;
  }
}
