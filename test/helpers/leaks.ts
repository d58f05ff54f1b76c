import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { expect } from 'vitest';
import { berth, uniqueId, type TestBundle } from './bundle.js';

/** What the host shows that a container could leave behind, for before/after comparisons. */
export interface HostSnapshot {
  mounts: string[];
  processes: string[];
  cgroupDirs: string[];
}

function mountTargets(): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(' ')[4]!);
}

/**
 * Processes of this test: a berth-init in the test container's cgroup (stage A joins it first
 * thing, and a cgroup cannot be removed while it holds one), or any process whose command line
 * mentions the test's marker. Other tests' containers, running at the same time, are not ours.
 */
export function berthProcesses(marker: string, cgroupName: string): string[] {
  const out: string[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      const ours = cmd.includes('berth-init') && cgroupName !== '' && readFileSync(`/proc/${p}/cgroup`, 'utf8').includes(cgroupName);
      if (ours || (marker && cmd.includes(marker))) out.push(`${p} ${cmd}`);
    } catch {
      // raced with exit
    }
  }
  return out;
}

/** Every cgroup dir whose name contains `name`, in every hierarchy (v1 and v2). */
export function cgroupDirsNamed(name: string): string[] {
  const found: string[] = [];
  const walk = (dir: string, depth: number) => {
    if (depth > 6) return;
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      const p = `${dir}/${e.name}`;
      if (e.name.includes(name)) found.push(p);
      walk(p, depth + 1);
    }
  };
  if (existsSync('/sys/fs/cgroup')) walk('/sys/fs/cgroup', 0);
  return found;
}

export function snapshot(marker: string, cgroupName: string): HostSnapshot {
  return { mounts: mountTargets(), processes: berthProcesses(marker, cgroupName), cgroupDirs: cgroupDirsNamed(cgroupName) };
}

/** The runtime process's own open fds are gone with it; this counts ours, to catch leaks into tests. */
export function openFds(): number {
  return readdirSync('/proc/self/fd').length;
}

/**
 * `berth CMD --bundle DIR ID` fails: exit 1, one line matching `message`, and nothing left behind
 * (no state dir, mount, process or cgroup dir of the bundle's).
 */
export function expectCleanFailure(b: TestBundle, message: RegExp, cmd: 'create' | 'run' | 'create --dry-run' = 'create'): void {
  const cgName = b.config.linux.cgroupsPath.split('/').pop();
  const before = snapshot(b.dir, cgName);
  const r = berth(b, [...cmd.split(' '), '--bundle', b.dir, uniqueId()]);
  expect(r.status).toBe(1);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(message);
  expect(existsSync(b.root) ? readdirSync(b.root) : []).toEqual([]);
  const after = snapshot(b.dir, cgName);
  expect(after.mounts).toEqual(before.mounts);
  expect(after.processes).toEqual([]);
  expect(after.cgroupDirs).toEqual([]);
}

/** A bad config: create, run and the dry run all fail with `message`, leaving nothing behind. */
export function expectRefusedEverywhere(b: TestBundle, message: RegExp): void {
  for (const cmd of ['create', 'run', 'create --dry-run'] as const) expectCleanFailure(b, message, cmd);
}
