import { S_IF } from './linux.js';

export interface DeviceSpec {
  path: string;
  type: 'c' | 'b' | 'u' | 'p';
  major?: number;
  minor?: number;
  fileMode?: number;
  uid?: number;
  gid?: number;
}

/** The devices every container gets in its /dev (runtime-linux.md "Default Devices"). */
export const DEFAULT_DEVICES: DeviceSpec[] = [
  { path: '/dev/null', type: 'c', major: 1, minor: 3, fileMode: 0o666 },
  { path: '/dev/zero', type: 'c', major: 1, minor: 5, fileMode: 0o666 },
  { path: '/dev/full', type: 'c', major: 1, minor: 7, fileMode: 0o666 },
  { path: '/dev/random', type: 'c', major: 1, minor: 8, fileMode: 0o666 },
  { path: '/dev/urandom', type: 'c', major: 1, minor: 9, fileMode: 0o666 },
  { path: '/dev/tty', type: 'c', major: 5, minor: 0, fileMode: 0o666 },
];

/** The /dev symlinks of runtime-linux.md. */
export const DEFAULT_SYMLINKS: [target: string, link: string][] = [
  ['/proc/self/fd', '/dev/fd'],
  ['/proc/self/fd/0', '/dev/stdin'],
  ['/proc/self/fd/1', '/dev/stdout'],
  ['/proc/self/fd/2', '/dev/stderr'],
  ['pts/ptmx', '/dev/ptmx'],
];

export function deviceMode(d: DeviceSpec): number {
  const kind = d.type === 'b' ? S_IF.BLK : d.type === 'p' ? S_IF.FIFO : S_IF.CHR;
  return kind | ((d.fileMode ?? 0o666) & 0o7777);
}

/** Config devices override defaults with the same path. */
export function containerDevices(config: DeviceSpec[] | undefined): DeviceSpec[] {
  const byPath = new Map<string, DeviceSpec>();
  for (const d of DEFAULT_DEVICES) byPath.set(d.path, d);
  for (const d of config ?? []) byPath.set(d.path, d);
  return [...byPath.values()];
}
