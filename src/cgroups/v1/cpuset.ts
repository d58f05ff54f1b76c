/**
 * v1 cpuset controller: cpus → cpuset.cpus, mems → cpuset.mems. A new cpuset cgroup starts empty
 * and nothing can join it; the manager fills every empty level down to the container's dir
 * before these writes (fillCpusetChain), so absent fields mean "same as the parent".
 */
import { write } from '../plan.js';
import type { CgroupWrite, LinuxResources, PlanContext } from '../types.js';

const F = 'linux.resources.cpu';

export function planCpusetV1(r: LinuxResources, _ctx: PlanContext): CgroupWrite[] {
  const out: CgroupWrite[] = [];
  if (r.cpu?.cpus) out.push(write('cpuset', 'cpuset.cpus', r.cpu.cpus, `${F}.cpus`));
  if (r.cpu?.mems) out.push(write('cpuset', 'cpuset.mems', r.cpu.mems, `${F}.mems`));
  return out;
}

/**
 * A new v1 cpuset dir has empty cpuset.cpus and cpuset.mems and refuses members (ENOSPC), and so
 * does one an engine made with a plain mkdir (a pod-level parent). From the hierarchy's root down
 * to dir, every level with an empty value gets its parent's (runc's ensureParent): levels with a
 * value are left as they are.
 */
export function fillCpusetChain(dir: string, io: { read(path: string): string | undefined; write(path: string, v: string): void }): void {
  // The hierarchy's root is the last level whose parent has no cpuset.cpus.
  const chain: string[] = [];
  for (let d = dir; io.read(`${d.replace(/\/[^/]+$/, '')}/cpuset.cpus`) !== undefined; d = d.replace(/\/[^/]+$/, '')) chain.unshift(d);
  for (const d of chain) {
    const parent = d.replace(/\/[^/]+$/, '');
    for (const f of ['cpuset.cpus', 'cpuset.mems']) {
      if ((io.read(`${d}/${f}`) ?? '') !== '') continue;
      const v = io.read(`${parent}/${f}`) ?? '';
      if (v !== '') io.write(`${d}/${f}`, v);
    }
  }
}
