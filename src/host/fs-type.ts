import { readFileSync, realpathSync } from 'node:fs';

/** mountinfo's octal escapes (\040 for a space, ...) decoded. */
export function unescape(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}

/**
 * The filesystem type of the mount that holds `path` (absolute, symlinks already resolved)
 * in mountinfo text (proc(5)): the deepest mount point above it, the last mounted of equals.
 * Pure.
 */
export function fsTypeIn(mountinfo: string, path: string): string | undefined {
  let best: { depth: number; type: string } | undefined;
  for (const line of mountinfo.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const mountpoint = unescape(line.slice(0, sep).split(' ')[4] ?? '');
    const type = unescape(line.slice(sep + 3).split(' ')[0] ?? '');
    const under = mountpoint === '/' || path === mountpoint || path.startsWith(mountpoint + '/');
    if (!mountpoint || !type || !under) continue;
    if (!best || mountpoint.length >= best.depth) best = { depth: mountpoint.length, type };
  }
  return best?.type;
}

/**
 * The filesystem types of the mount holding `path` and of every mount below it (what an
 * rbind of `path` takes along), the holder's first, each once. Pure.
 */
export function fsTypesUnderIn(mountinfo: string, path: string): string[] {
  const top = fsTypeIn(mountinfo, path);
  const types = top ? [top] : [];
  for (const line of mountinfo.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const mountpoint = unescape(line.slice(0, sep).split(' ')[4] ?? '');
    const type = unescape(line.slice(sep + 3).split(' ')[0] ?? '');
    const below = path === '/' ? mountpoint !== '/' : mountpoint.startsWith(path + '/');
    if (below && type && !types.includes(type)) types.push(type);
  }
  return types;
}

function withMountinfo<T>(path: string, f: (mountinfo: string, real: string) => T): T | undefined {
  try {
    return f(readFileSync('/proc/self/mountinfo', 'utf8'), realpathSync(path));
  } catch {
    return undefined;
  }
}

/** The filesystem type at a host path (for messages), or undefined when it cannot be told. */
export function fsTypeOf(path: string): string | undefined {
  return withMountinfo(path, fsTypeIn);
}

/** fsTypesUnderIn for a host path ([] when it cannot be told). */
export function fsTypesUnder(path: string): string[] {
  return withMountinfo(path, fsTypesUnderIn) ?? [];
}
