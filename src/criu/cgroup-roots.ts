/**
 * CRIU's cgroup roots (criu_opts cg_root, the command line's --cgroup-root): the restored tasks
 * go into the new container's cgroup, named relative to the root of its hierarchy (runc passes
 * its cgroup manager's paths the same way). Pure: mountinfo text comes in.
 */

/** The cgroup and cgroup2 mount points of a mountinfo text, longest first. */
export function cgroupMounts(mountinfo: string): string[] {
  const out: string[] = [];
  for (const line of mountinfo.split('\n')) {
    const [pre, post] = line.split(' - ');
    if (!pre || !post) continue;
    const fstype = post.split(' ')[0];
    if (fstype === 'cgroup' || fstype === 'cgroup2') out.push(pre.split(' ')[4]!.replace(/\\040/g, ' '));
  }
  return out.sort((a, b) => b.length - a.length);
}

/** Each of the record's dirs (controller → absolute dir) as a path inside its hierarchy. */
export function cgroupRoots(paths: Record<string, string>, mountinfo: string): { controller: string; path: string }[] {
  const mounts = cgroupMounts(mountinfo);
  const out: { controller: string; path: string }[] = [];
  for (const [controller, dir] of Object.entries(paths)) {
    const mount = mounts.find((m) => dir === m || dir.startsWith(`${m}/`));
    if (mount === undefined) continue;
    out.push({ controller, path: dir.slice(mount.length) || '/' });
  }
  return out;
}
