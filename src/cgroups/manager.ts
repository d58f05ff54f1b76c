/**
 * The Cgroup object: one container's cgroup(s), from resolved paths (openCgroup) or from the
 * record kept in state.json (reopenCgroup). Planning is in v1/ and v2/; this file makes the
 * dirs, applies plans, freezes and reads; removal is remove-dirs.ts, signalling signal-all.ts.
 */
import { existsSync, mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { errnoCode } from '../errors.js';
import { log } from '../log/logger.js';
import { applyWrites, readControl, realContext, writeControl } from './apply.js';
import { CgroupError, errnoText } from './errors.js';
import { realEnv, resolveCgroupPaths } from './path.js';
import { big, parseResources } from './resources.js';
import { cgroup2MountOf } from './layout.js';
import { removeCgroupDirs } from './remove-dirs.js';
import { signalAll } from './signal-all.js';
import { hugePageSizes, statsV1, statsV2 } from './stats.js';
import type { Cgroup, CgroupRecord, CgroupWrite, LinuxResources } from './types.js';
import { applyRtBudget, planRtBudget } from './v1/cpu-rt.js';
import { fillCpusetChain } from './v1/cpuset.js';
import { freezeV1, thawV1 } from './v1/freezer.js';
import { planV1 } from './v1/index.js';
import { freezeV2, thawV2 } from './v2/freezer.js';
import { isFrozenRecord } from './frozen.js';
import { checkCgroupRecord, recordDirs } from './record.js';
import { planV2 } from './v2/index.js';
import { attachDevicesV2 } from './v2/devices.js';
import { enableControllers } from './v2/subtree.js';

/** Processes in dir and its sub-cgroups. */
function processesBelow(dir: string): number {
  let n = (readControl(join(dir, 'cgroup.procs')) ?? '').split('\n').filter(Boolean).length;
  try {
    for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) n += processesBelow(join(dir, e.name));
  } catch {
    // removed meanwhile
  }
  return n;
}

/**
 * A cgroup that already existed must not be frozen (the init could never run); one with
 * processes in it (its own or below) is used with a warning, as runc does: one line, naming
 * the first hierarchy that has them (on v1 every hierarchy's dir holds the same processes).
 * Reads only (create and create --dry-run).
 */
export function checkUsableDirs(record: CgroupRecord, dirs: string[]): void {
  const unified = record.layout === 'unified';
  for (const dir of dirs) {
    const frozen = unified || dir === record.paths['']
      ? readControl(join(dir, 'cgroup.freeze')) === '1'
      : dir === record.paths.freezer && readControl(join(dir, 'freezer.state')) === 'FROZEN';
    if (frozen) throw new CgroupError(`container's cgroup unexpectedly frozen: ${dir} (thaw it or use another cgroupsPath)`);
  }
  for (const dir of dirs) {
    const n = processesBelow(dir);
    if (n === 0) continue;
    log.warn(`container's cgroup is not empty: ${n} process(es) found in ${dir}`);
    return;
  }
}

export class FsCgroup implements Cgroup {
  readonly record: CgroupRecord;
  /** cgroupfs: berth resolves the dirs, so it enables v2 controllers in the parents and checks
   * that a dir found already there is usable. The systemd driver: systemd made the scope (it
   * holds the placeholder) and owns everything above it. */
  protected ownsParents = true;
  skipDevices = false;

  constructor(record: CgroupRecord) {
    this.record = record;
  }

  private get unified(): boolean {
    return this.record.layout === 'unified';
  }

  /** Distinct dirs, one per hierarchy, in the order of paths. */
  private dirs(): string[] {
    return recordDirs(this.record);
  }

  /** mkdir every missing level of dir, recording each one made. */
  private mkdirRecorded(dir: string): string[] {
    const missing: string[] = [];
    for (let d = dir; !existsSync(d); d = dirname(d)) {
      if (d === dirname(d)) break;
      missing.unshift(d);
    }
    const made: string[] = [];
    for (const d of missing) {
      try {
        mkdirSync(d);
      } catch (e) {
        if (errnoCode(e) === 'EEXIST') continue; // someone else's, made meanwhile
        throw new CgroupError(`cgroup: mkdir ${d}: ${errnoText(e)}`, errnoCode(e));
      }
      made.push(d);
      this.record.created.push(d);
    }
    return made;
  }

  create(resources?: unknown): void {
    const r = parseResources(resources); // bad input: fail before touching anything
    const { paths } = this.record;
    try {
      const preexisting: string[] = [];
      for (const dir of this.dirs()) {
        const made = this.mkdirRecorded(dir);
        if (!made.includes(dir)) preexisting.push(dir);
        if (paths.cpuset === dir) {
          fillCpusetChain(dir, {
            read: readControl,
            write: (p, v) => {
              try {
                writeControl(p, v);
              } catch (e) {
                throw new CgroupError(`cgroup: write ${p}: ${errnoText(e)}`);
              }
            },
          });
        }
      }
      if (this.unified && this.ownsParents) {
        const mount = this.unifiedMount();
        if (mount) enableControllers(mount, paths['']!);
      }
      if (this.ownsParents) checkUsableDirs(this.record, preexisting);
      const ctx = realContext(this.record, false);
      this.giveRtBudget(r);
      applyWrites(paths, this.withDevices(this.unified ? planV2(r, ctx) : planV1(r, ctx)));
      if (this.unified && !this.skipDevices) attachDevicesV2(paths['']!, r, false);
    } catch (e) {
      try {
        this.destroy();
      } catch {
        // report the first failure
      }
      this.record.created.length = 0;
      throw e;
    }
  }

  private withDevices(writes: CgroupWrite[]): CgroupWrite[] {
    return this.skipDevices ? writes.filter((w) => w.controller !== 'devices') : writes;
  }

  /** v1 real-time runtime: the parents berth made get the budget first (v1/cpu-rt.ts). */
  private giveRtBudget(r: LinuxResources): void {
    const rt = big(r.cpu?.realtimeRuntime);
    const cpu = this.record.paths.cpu;
    if (this.unified || rt === undefined || cpu === undefined) return;
    applyRtBudget(planRtBudget(cpu, this.record.created, rt, (p) => readControl(p)), writeControl);
  }

  /** The cgroup2 mount point holding the unified dir (from mountinfo). */
  private unifiedMount(): string | undefined {
    return cgroup2MountOf(this.record.paths['']!, readFileSync('/proc/self/mountinfo', 'utf8'))?.mountpoint;
  }

  /** After the init has joined (before the container starts); nothing to do for cgroupfs. */
  afterJoin(): void {}

  procsFiles(): string[] {
    return this.dirs().map((d) => join(d, 'cgroup.procs'));
  }

  private pidsDir(): string {
    const p = this.record.paths;
    const dir = this.unified ? p[''] : p.freezer ?? p.pids ?? p.memory ?? p.cpu ?? p.devices;
    if (!dir) throw new CgroupError('cgroup: no hierarchy to list processes from');
    return dir;
  }

  pids(): number[] {
    const out = new Set<number>();
    const walk = (dir: string) => {
      const text = readControl(join(dir, 'cgroup.procs'));
      if (text === undefined) return;
      for (const l of text.split('\n')) if (/^\d+$/.test(l.trim())) out.add(Number(l));
      let entries;
      try {
        entries = readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const e of entries) if (e.isDirectory()) walk(join(dir, e.name));
    };
    walk(this.pidsDir());
    return [...out].sort((a, b) => a - b);
  }

  private freezerDir(): string {
    const dir = this.unified ? this.record.paths[''] : this.record.paths.freezer;
    if (!dir) throw new CgroupError('cgroup: the freezer cgroup controller is not mounted; cannot pause');
    return dir;
  }

  freeze(): void {
    const dir = this.freezerDir();
    try {
      if (this.unified) freezeV2(dir);
      else freezeV1(dir);
    } catch (e) {
      if (e instanceof CgroupError) throw e;
      throw new CgroupError(`cgroup: freeze ${dir}: ${errnoText(e)}`);
    }
  }

  thaw(): void {
    const dir = this.freezerDir();
    try {
      if (this.unified) thawV2(dir);
      else thawV1(dir);
    } catch (e) {
      throw new CgroupError(`cgroup: thaw ${dir}: ${errnoText(e)}`);
    }
  }

  isFrozen(): boolean {
    return isFrozenRecord(this.record);
  }

  /** Whether there is a freezer (v1 freezer hierarchy, or the v2 dir). */
  canFreeze(): boolean {
    return (this.unified ? this.record.paths[''] : this.record.paths.freezer) !== undefined;
  }

  killAll(signal: number): void {
    signalAll(this, this.unified ? this.record.paths[''] : undefined, signal);
  }

  update(resources: unknown): void {
    const r = parseResources(resources);
    const ctx = realContext(this.record, true);
    this.giveRtBudget(r);
    applyWrites(this.record.paths, this.withDevices(this.unified ? planV2(r, ctx) : planV1(r, ctx)));
    if (this.unified && !this.skipDevices) attachDevicesV2(this.record.paths['']!, r, true);
  }

  stats(): unknown {
    const { paths } = this.record;
    const read = (c: string, f: string) => (paths[c] === undefined ? undefined : readControl(join(paths[c]!, f)));
    const ctx = realContext(this.record, false);
    return this.unified
      ? statsV2(read, ctx.controllers, hugePageSizes())
      : statsV1(read, ctx.controllers, hugePageSizes());
  }

  oomKills(): number | undefined {
    const dir = this.unified ? this.record.paths[''] : this.record.paths.memory;
    if (!dir) return undefined;
    const text = readControl(join(dir, this.unified ? 'memory.events' : 'memory.oom_control'));
    const m = text === undefined ? null : /^oom_kill (\d+)$/m.exec(text);
    return m ? Number(m[1]) : undefined;
  }

  /** rmdir what create() made, and the container's own sub-cgroups first (remove-dirs.ts). */
  destroy(): void {
    removeCgroupDirs(this.record.created, this.dirs());
  }
}

export function openFsCgroup(opts: { cgroupsPath?: string; id: string; systemd?: boolean }): Cgroup {
  const { layout, paths } = resolveCgroupPaths(opts, realEnv());
  return new FsCgroup({ layout, paths, created: [] });
}

export function reopenFsCgroup(record: CgroupRecord): FsCgroup {
  checkCgroupRecord(record);
  return new FsCgroup({
    layout: record.layout, paths: { ...record.paths }, created: [...record.created],
    ...(record.systemdUnit === undefined ? {} : { systemdUnit: record.systemdUnit }),
  });
}
