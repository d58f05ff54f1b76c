import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { mountsUnder, type Runtime } from './env.js';
import type { PrivateCriContainerd } from './cri.js';

/**
 * What one handler's pods could leave on the host, for before/after comparisons: ids in the
 * runtime's state root, containerd's task dirs, container cgroups (dirs under a pod's cgroup;
 * the pod-level dir itself is the kubelet's), processes of this instance (shims name its
 * socket, containers sit in its cgroup parent) and mounts under its dir.
 */
export function leftovers(ctd: PrivateCriContainerd, rt: Runtime) {
  const ls = (d: string) => (existsSync(d) ? readdirSync(d).sort() : []);
  const containerCgroups: string[] = [];
  for (const h of ls('/sys/fs/cgroup')) {
    const top = join('/sys/fs/cgroup', h, ctd.cgroupParent);
    for (const pod of ls(top)) {
      const podDir = join(top, pod);
      if (!pod.startsWith(`${rt.name}-`)) continue;
      for (const e of readdirSync(podDir, { withFileTypes: true })) if (e.isDirectory()) containerCgroups.push(join(podDir, e.name));
    }
  }
  const processes: string[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' ');
      const cg = readFileSync(`/proc/${p}/cgroup`, 'utf8');
      if (cmd.includes('containerd-shim') ? cmd.includes(ctd.sock) : cg.includes(`/${ctd.cgroupParent}/${rt.name}-`)) processes.push(`${p} ${cmd}`);
    } catch {
      /* raced with exit */
    }
  }
  return {
    runtimeState: ls(ctd.runtimeRoot(rt)),
    tasks: ls(join(ctd.dir, 'state', 'io.containerd.runtime.v2.task', 'k8s.io')),
    containerCgroups,
    processes,
    mounts: mountsUnder(join(ctd.dir, 'state')).concat(mountsUnder(join(ctd.dir, 'root'))),
  };
}
