/**
 * cgroupsPath → one absolute dir per hierarchy.
 *
 * - absolute "/a/b": under each hierarchy's mount point (the spec's rule): /sys/fs/cgroup/memory/a/b.
 * - relative "a/b": under the runtime's own cgroup of each hierarchy, read from /proc/self/cgroup
 *   (runc's cgroupfs behaviour): /sys/fs/cgroup/memory/<own memory cgroup>/a/b.
 * - absent: the container id, relative (what runc's cgroupfs driver does: Name = id, Path = ""),
 *   i.e. a child of the runtime's own cgroup. This never lands outside the caller's cgroup, which
 *   keeps a runtime started in a delegated or test cgroup inside it.
 * - systemd ("slice:prefix:name"): see systemd/scope.ts — an error for now.
 *
 * Paths are cleaned lexically first (runc's CleanPath): ".." cannot climb above the root of the
 * resolution, so "../../x" relative is "x".
 */
import { posix } from 'node:path';
import { readFileSync } from 'node:fs';
import { CgroupError } from './errors.js';
import { layoutFromMounts, parseMountinfo, type CgroupMount } from './layout.js';
import { parseSystemdPath, systemdRunning, systemdUnavailable } from './systemd/scope.js';
import type { CgroupLayout } from './types.js';

/** /proc/self/cgroup → controller → path. "" is the v2 line ("0::/x"); "name=systemd" stays as is. */
export function parseProcCgroup(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (!line.trim()) continue;
    const a = line.indexOf(':');
    const b = line.indexOf(':', a + 1);
    if (a < 0 || b < 0) continue;
    const ctrls = line.slice(a + 1, b);
    const path = line.slice(b + 1);
    if (ctrls === '') out.set('', path);
    else for (const c of ctrls.split(',')) out.set(c, path);
  }
  return out;
}

/** runc's CleanPath: lexical clean; a relative path cannot climb above its base. "" stays "". */
export function cleanPath(p: string): string {
  if (p === '') return '';
  if (p.startsWith('/')) return posix.normalize(p).replace(/\/+$/, '') || '/';
  const abs = posix.normalize('/' + p);
  return posix.relative('/', abs);
}

export interface ResolveEnv {
  mountinfo: string;
  procSelfCgroup: string;
  systemdRunning: boolean;
}

export function realEnv(): ResolveEnv {
  return {
    mountinfo: readFileSync('/proc/self/mountinfo', 'utf8'),
    procSelfCgroup: readFileSync('/proc/self/cgroup', 'utf8'),
    systemdRunning: systemdRunning(),
  };
}

export interface ResolveOptions {
  cgroupsPath?: string;
  id: string;
  systemd?: boolean;
}

/** v1 hierarchies berth joins and manages (runc's list); other named hierarchies are left alone. */
function managedV1(m: CgroupMount): string[] {
  return m.controllers.filter((c) => !c.startsWith('name=') || c === 'name=systemd');
}

/** One mount per hierarchy: the first, preferring mount points under /sys/fs/cgroup. */
function pickMounts(mounts: CgroupMount[]): CgroupMount[] {
  const sorted = [...mounts].sort(
    (a, b) => Number(!a.mountpoint.startsWith('/sys/fs/cgroup')) - Number(!b.mountpoint.startsWith('/sys/fs/cgroup')),
  );
  const seen = new Set<string>();
  const out: CgroupMount[] = [];
  for (const m of sorted) {
    const key = m.version === 2 ? '' : m.controllers.join(',');
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(m);
  }
  return out;
}

function ownDir(m: CgroupMount, own: string | undefined, what: string): string {
  if (own === undefined) {
    throw new CgroupError(`cgroup: cannot find the runtime's own ${what} cgroup in /proc/self/cgroup`);
  }
  const root = m.root === '/' ? '' : m.root.replace(/\/+$/, '');
  if (root && own !== root && !own.startsWith(root + '/')) {
    throw new CgroupError(
      `cgroup: the runtime's own ${what} cgroup ${own} is not visible under ${m.mountpoint} (mounted from ${m.root})`,
    );
  }
  return posix.join(m.mountpoint, own.slice(root.length));
}

/** Resolves the dirs (touches nothing). */
export function resolveCgroupPaths(
  opts: ResolveOptions,
  env: ResolveEnv,
): { layout: CgroupLayout; paths: Record<string, string> } {
  if (opts.systemd) {
    parseSystemdPath(opts.cgroupsPath, opts.id); // a malformed path is reported as such first
    throw systemdUnavailable(env.systemdRunning);
  }
  const raw = opts.cgroupsPath ?? '';
  let inner = cleanPath(raw === '' ? opts.id : raw);
  if (raw === '' && (inner === '' || inner === '/' || opts.id.includes('/'))) {
    throw new CgroupError(`cgroup: container id ${JSON.stringify(opts.id)} cannot name a cgroup`);
  }
  if (inner === '/') {
    throw new CgroupError('linux.cgroupsPath: "/" is the root cgroup; a container needs its own cgroup');
  }
  if (inner === '') throw new CgroupError(`linux.cgroupsPath: ${JSON.stringify(raw)} names no cgroup`);
  const absolute = inner.startsWith('/');
  if (absolute) inner = inner.slice(1);

  const mounts = pickMounts(parseMountinfo(env.mountinfo));
  const layout = layoutFromMounts(mounts);
  const own = parseProcCgroup(env.procSelfCgroup);
  const paths: Record<string, string> = {};

  for (const m of mounts) {
    if (m.version === 2) {
      // unified: the one dir; hybrid: the v2 dir the container also joins (as runc does).
      const base = absolute ? m.mountpoint : ownDir(m, own.get(''), 'cgroup v2');
      paths[''] = posix.join(base, inner);
      continue;
    }
    if (layout === 'unified') continue;
    const ctrls = managedV1(m);
    if (!ctrls.length) continue;
    const base = absolute ? m.mountpoint : ownDir(m, own.get(ctrls[0]!), ctrls[0]!);
    const dir = posix.join(base, inner);
    for (const c of ctrls) paths[c] = dir;
  }
  if (layout !== 'unified' && !paths.devices) {
    // runc treats a missing devices hierarchy as fatal: the container would have every device.
    throw new CgroupError('cgroup: the devices cgroup controller is not mounted; refusing to run without it');
  }
  return { layout, paths };
}
