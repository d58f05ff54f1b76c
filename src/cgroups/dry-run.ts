/**
 * `create --dry-run`: what FsCgroup.create would do to the host's cgroup tree, step by step in
 * its order, computed by the same planners and helpers (fillCpusetChain, enableControllers,
 * planV1/planV2, planRtBudget, the v2 device program, the check of a dir that exists) against a
 * view of the tree instead of the tree: reads see the real files, and a dir create is about to
 * make looks as the kernel makes it (empty cpuset.cpus/mems, cgroup.controllers = the parent's
 * subtree_control, its other files as the parent has them); writes are recorded, never made.
 * Touches nothing.
 */
import { basename, dirname, join } from 'node:path';
import { readControl } from './apply.js';
import { cgroup2MountOf } from './layout.js';
import { parseResources, big } from './resources.js';
import { effectiveRules } from './devices.js';
import { recordDirs } from './record.js';
import { checkUsableDirs } from './manager.js';
import { SystemdCgroup } from './systemd/cgroup.js';
import type { DbusValue } from './systemd/dbus/wire.js';
import { dirsToMake } from '../state/intent.js';
import { fillCpusetChain } from './v1/cpuset.js';
import { planRtBudget } from './v1/cpu-rt.js';
import { planV1 } from './v1/index.js';
import { planV2 } from './v2/index.js';
import { buildDeviceProgram } from './v2/devices.js';
import { enableControllers } from './v2/subtree.js';
import type { Cgroup, CgroupLayout, CgroupWrite, PlanContext } from './types.js';
import { readFileSync } from 'node:fs';

export interface DryCgroupWrite {
  path: string;
  value: string;
  /** JSON pointer of the config field, or what berth does it for ("cpuset of a new parent"). */
  from: string;
}

export interface CgroupDryRun {
  driver: 'cgroupfs' | 'systemd';
  layout: CgroupLayout;
  /** The container's dirs, one per hierarchy, keyed by controller ("" = cgroup v2). */
  paths: Record<string, string>;
  /** Dirs create makes, in order (parents first); the others exist already. */
  mkdir: string[];
  writes: DryCgroupWrite[];
  /** cgroup v2: the BPF device program attached to the container's dir, and its rule count. */
  deviceProgram?: { dir: string; rules: number; from: string };
  /** systemd driver: the transient scope systemd is asked to start over D-Bus, and its properties. */
  systemdUnit?: string;
  systemdProperties?: string[];
}

/** "linux.resources.devices[3]" → "/linux/resources/devices/3". */
export function fieldPointer(field: string): string {
  return '/' + field.replace(/\[(\d+)\]/g, '.$1').split('.').join('/');
}

class TreeView {
  readonly writes: DryCgroupWrite[] = [];
  private readonly values = new Map<string, string>();
  constructor(private readonly fresh: Set<string>) {}

  read(path: string): string | undefined {
    if (this.values.has(path)) return this.values.get(path);
    const dir = dirname(path);
    if (!this.fresh.has(dir)) return readControl(path);
    const file = basename(path);
    if (file === 'cpuset.cpus' || file === 'cpuset.mems' || file === 'cgroup.subtree_control' || file === 'cgroup.procs') return '';
    if (file === 'cgroup.freeze') return '0';
    if (file === 'cgroup.controllers') return this.read(join(dirname(dir), 'cgroup.subtree_control'));
    return this.read(join(dirname(dir), file));
  }

  write(path: string, value: string, from: string): void {
    this.writes.push({ path, value, from });
    if (basename(path) === 'cgroup.subtree_control') {
      const on = new Set((this.read(path) ?? '').split(/\s+/).filter(Boolean));
      for (const w of value.split(/\s+/)) if (w.startsWith('+')) on.add(w.slice(1));
      this.values.set(path, [...on].join(' '));
    } else this.values.set(path, value);
  }
}

/** A D-Bus value as systemctl shows a property: variants unwrapped, arrays space-separated, structs in parentheses. */
export function dbusText(v: DbusValue): string {
  if (Array.isArray(v)) return v.map((e) => (Array.isArray(e) ? `(${e.map(dbusText).join(' ')})` : dbusText(e))).join(' ');
  if (typeof v === 'object' && v !== null) return dbusText(v.value);
  return String(v);
}

/** What create would make and write for this cgroup and linux.resources. */
export function dryRunCgroup(cg: Cgroup, resources: unknown): CgroupDryRun {
  const r = parseResources(resources);
  const rec = cg.record;
  if (cg instanceof SystemdCgroup) {
    // systemd makes the scope's dirs and names them (ControlGroup) only once it exists: the
    // unit and its properties are what can be shown; berth's writes go there afterwards.
    const scope = cg.planScope(resources);
    return {
      driver: 'systemd', layout: rec.layout, paths: {}, mkdir: [], writes: [], systemdUnit: scope.unit,
      systemdProperties: scope.properties.map((p) => { const [name, v] = p as [string, DbusValue]; return `${name}=${dbusText(v)}`; }),
    };
  }
  const paths = rec.paths;
  const unified = rec.layout === 'unified';
  const mkdir = dirsToMake(paths);
  // A dir that is there already: frozen is an error, processes in it a warning (as create).
  checkUsableDirs(rec, recordDirs(rec).filter((d) => !mkdir.includes(d)));
  const view = new TreeView(new Set(mkdir));
  for (const dir of recordDirs(rec)) {
    if (paths.cpuset === dir) fillCpusetChain(dir, { read: (p) => view.read(p), write: (p, v) => view.write(p, v, 'berth: a new cpuset cgroup gets its parent\'s cpus and mems') });
  }
  if (unified) {
    const mount = cgroup2MountOf(paths['']!, readFileSync('/proc/self/mountinfo', 'utf8'))?.mountpoint;
    if (mount) enableControllers(mount, paths['']!, { read: (p) => view.read(p), write: (p, v) => view.write(p, v, 'berth: enable the controllers for the children') });
  }
  const rt = big(r.cpu?.realtimeRuntime);
  if (!unified && rt !== undefined && paths.cpu !== undefined) {
    for (const w of planRtBudget(paths.cpu, mkdir, rt, (p) => view.read(p))) view.write(join(w.dir, 'cpu.rt_runtime_us'), w.value, '/linux/resources/cpu/realtimeRuntime');
  }
  const ctx: PlanContext = {
    read: (c, f) => (paths[c] === undefined ? undefined : view.read(join(paths[c]!, f))),
    exists: (c, f) => paths[c] !== undefined && view.read(join(paths[c]!, f)) !== undefined,
    controllers: unified ? new Set((view.read(join(paths['']!, 'cgroup.controllers')) ?? '').split(/\s+/).filter(Boolean)) : new Set(Object.keys(paths).filter((k) => k !== '')),
    update: false,
  };
  const planned: CgroupWrite[] = unified ? planV2(r, ctx) : planV1(r, ctx);
  for (const w of planned) view.write(join(paths[w.controller] ?? '', w.file), w.value, fieldPointer(w.field));
  const out: CgroupDryRun = { driver: 'cgroupfs', layout: rec.layout, paths: { ...paths }, mkdir, writes: view.writes };
  if (unified) {
    buildDeviceProgram(r.devices); // the same checks as create
    out.deviceProgram = { dir: paths['']!, rules: effectiveRules(r.devices).length, from: '/linux/resources/devices' };
  }
  return out;
}
