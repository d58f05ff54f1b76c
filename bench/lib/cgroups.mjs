// The bench's own cgroup parent. Every container of the direct rows gets a relative
// cgroupsPath `berth-bench-<pid>/<id>` (as the tests use `berth-test/<id>`): berth and runc put
// it under their own cgroup of each hierarchy, crun 1.8 under the hierarchy's root; the private
// containerd gets the absolute `/berth-bench-<pid>-ctd/<id>`. At the end the parent is removed
// in both places in every hierarchy; a process still inside one of those dirs (only the bench's
// containers can be there) is killed by the PID its cgroup.procs names.
import { existsSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { sleep } from './proc.mjs';

export const PARENT = `berth-bench-${process.pid}`;
export const CTD_PARENT = `berth-bench-${process.pid}-ctd`;
/** The private Podman's --cgroup-parent (absolute, as containerd's). */
export const PODMAN_PARENT = `berth-bench-${process.pid}-podman`;

/** Cgroup mounts of this mount namespace with this process's cgroup in each. */
export function hierarchies() {
  const own = new Map(); // controllers key ('' for v2) -> path
  for (const line of readFileSync('/proc/self/cgroup', 'utf8').split('\n').filter(Boolean)) {
    const [, ctrls, path] = line.match(/^\d+:([^:]*):(.*)$/) ?? [];
    if (path !== undefined) own.set(ctrls, path);
  }
  const out = [];
  for (const line of readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter(Boolean)) {
    const [pre, post] = line.split(' - ');
    const f = pre.split(' ');
    const [fstype, , superOpts] = post.split(' ');
    if (fstype !== 'cgroup' && fstype !== 'cgroup2') continue;
    const mountRoot = f[3];
    const mountpoint = f[4];
    let ownPath;
    if (fstype === 'cgroup2') ownPath = own.get('');
    else {
      const opts = new Set(superOpts.split(','));
      for (const [k, p] of own) if (k && k.split(',').every((c) => opts.has(c))) ownPath = p;
    }
    const rel = ownPath && ownPath.startsWith(mountRoot) ? ownPath.slice(mountRoot.length) : '';
    out.push({ mountpoint, own: join(mountpoint, rel) });
  }
  return out;
}

/** Every dir the parent `name` may have been made as. */
export function parentDirs(name) {
  const dirs = new Set();
  for (const h of hierarchies()) {
    dirs.add(join(h.own, name));
    dirs.add(join(h.mountpoint, name));
  }
  return [...dirs].filter((d) => existsSync(d));
}

function subdirs(dir) {
  try {
    return readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => join(dir, e.name));
  } catch {
    return [];
  }
}

/** rmdir the tree, deepest first; returns the dirs that stayed (busy). */
function removeTree(dir) {
  const left = subdirs(dir).flatMap(removeTree);
  try {
    rmdirSync(dir);
    return left;
  } catch (e) {
    return e.code === 'ENOENT' ? left : [...left, dir];
  }
}

function procsIn(dir) {
  try {
    return readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Remove the parent `name` everywhere; returns a description of what could not be removed. */
export async function removeParent(name) {
  let left = parentDirs(name).flatMap(removeTree);
  for (let i = 0; i < 3 && left.length; i++) {
    const pids = new Set(left.flatMap((d) => [d, ...subdirs(d)]).flatMap(procsIn));
    for (const pid of pids) {
      try {
        process.kill(pid, 'SIGKILL');
      } catch { /* gone */ }
    }
    await sleep(200);
    left = parentDirs(name).flatMap(removeTree);
  }
  return left;
}

/** A one-line description of the host's cgroup layout for the table's heading. */
export function layout() {
  const hs = hierarchies().map((h) => h.mountpoint);
  const v2 = readFileSync('/proc/self/mountinfo', 'utf8').includes(' - cgroup2 ');
  const v1 = readFileSync('/proc/self/mountinfo', 'utf8').includes(' - cgroup ');
  return v1 && v2 ? 'cgroup v1 hybrid' : v2 ? 'cgroup v2' : v1 ? 'cgroup v1' : `no cgroups (${hs.length})`;
}
