/**
 * v1 cpuset controller: cpus → cpuset.cpus, mems → cpuset.mems. A new cpuset cgroup starts empty
 * and nothing can join it; the manager copies the parent's values into each dir it creates
 * before these writes (runc's ensureParent), so absent fields mean "same as the parent".
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
 * A new v1 cpuset dir has empty cpuset.cpus and cpuset.mems and refuses members; copy the
 * parent's into it (only into a dir berth just made).
 */
export function initCpusetDir(dir: string, io: { read(path: string): string | undefined; write(path: string, v: string): void }): void {
  const parent = dir.replace(/\/[^/]+$/, '');
  for (const f of ['cpuset.cpus', 'cpuset.mems']) {
    if ((io.read(`${dir}/${f}`) ?? '') !== '') continue;
    const v = io.read(`${parent}/${f}`) ?? '';
    if (v !== '') io.write(`${dir}/${f}`, v);
  }
}
