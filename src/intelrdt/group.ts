import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BerthError, describeErrno, errnoCode } from '../errors.js';

/** config-linux.md "IntelRdt". */
export interface IntelRdt {
  closID?: string;
  l3CacheSchema?: string;
  memBwSchema?: string;
  schemata?: string[];
  enableMonitoring?: boolean;
}

/** What create does in resctrl, decided before anything is made (planRdt). */
export interface RdtPlan {
  /** The resctrl mount point. */
  root: string;
  /** The CLOS (CTRL_MON) group: closID's dir, the root for "/", else the container id's. */
  dir: string;
  closID?: string;
  /** The schemata lines, in the spec's order: l3CacheSchema, memBwSchema, then schemata. */
  lines: string[];
  /** The group is there already: it is joined, its schemata compared, never written or removed. */
  exists: boolean;
  /** `mon_groups/<id>` of the group, with enableMonitoring. */
  monDir?: string;
}

/** What create made, kept in creating.json and state.json: what delete removes. */
export interface RdtRecord {
  /** The resctrl mount point. */
  root: string;
  dir: string;
  /** berth made `dir` (it was not there). */
  made: boolean;
  /** Given in the config: the group is named, not the container's own, and delete leaves it. */
  closID?: string;
  monDir?: string;
}

/** The resctrl resource a schemata line is for ("L3", "MB", "L2CODE", ...). */
function resourceOf(line: string): string {
  return line.trim().split(':')[0]!.trim();
}

const FEATURE: Record<string, string> = { L3: 'Intel RDT/CAT', L2: 'Intel RDT/CAT', MB: 'Intel RDT/MBA', SMBA: 'AMD SMBA' };

/** The lines to write with the JSON path of each, in the order the spec gives. */
function linesOf(rdt: IntelRdt): { line: string; at: string }[] {
  const out: { line: string; at: string }[] = [];
  if (rdt.l3CacheSchema) out.push({ line: rdt.l3CacheSchema, at: '/linux/intelRdt/l3CacheSchema' });
  if (rdt.memBwSchema) out.push({ line: rdt.memBwSchema, at: '/linux/intelRdt/memBwSchema' });
  (rdt.schemata ?? []).forEach((line, i) => {
    if (line.trim()) out.push({ line, at: `/linux/intelRdt/schemata/${i}` });
  });
  return out;
}

/** Error for a config without a resctrl filesystem to apply it to (runc's words first). */
export function noResctrl(file: string, at = '/linux/intelRdt'): BerthError {
  return new BerthError(`${file}: ${at}: Intel RDT is not supported or enabled: no resctrl filesystem is mounted`);
}

/** Each line's resource must be one this resctrl offers (`info/<resource>`). */
export function checkResources(root: string, lines: { line: string; at: string }[], file: string): void {
  for (const { line, at } of lines) {
    const res = resourceOf(line);
    if (!res || !existsSync(join(root, 'info', res))) {
      const feature = FEATURE[res.replace(/(CODE|DATA)$/, '')];
      throw new BerthError(`${file}: ${at}: ${feature ? `${feature} is not enabled: ` : ''}the resctrl filesystem at ${root} has no resource ${JSON.stringify(res)} (no info/${res})`);
    }
  }
}

/**
 * A line's domains as numbers: cache masks are hex, bandwidth decimal (percent or MBps); the
 * kernel prints them its own way (zero-padded masks), so they are compared by value.
 */
function domains(line: string): Map<string, string> {
  const res = resourceOf(line);
  const hex = !/^(MB|SMBA)$/.test(res);
  const out = new Map<string, string>();
  for (const part of line.slice(line.indexOf(':') + 1).split(';')) {
    const [dom, val] = part.split('=').map((s) => s.trim());
    if (!dom || val === undefined) continue;
    const n = hex ? parseInt(val, 16) : parseInt(val, 10);
    out.set(dom, Number.isNaN(n) ? val : String(n));
  }
  return out;
}

/**
 * The first requested line the group's schemata file (its text) does not match, or undefined
 * when every domain of every line has the value asked for. Pure.
 */
export function schemataMismatch(current: string, lines: string[]): string | undefined {
  const have = new Map<string, Map<string, string>>();
  for (const l of current.split('\n')) if (l.includes(':')) have.set(resourceOf(l), domains(l));
  for (const line of lines) {
    const got = have.get(resourceOf(line));
    for (const [dom, val] of domains(line)) if (got?.get(dom) !== val) return line;
  }
  return undefined;
}

/** An existing group is only joined: the config's schemata must be what it has (spec). */
function compareExisting(dir: string, lines: string[], file: string): void {
  let current: string;
  try {
    current = readFileSync(join(dir, 'schemata'), 'utf8');
  } catch (e) {
    throw new BerthError(`${file}: /linux/intelRdt: read the schemata of ${dir}: ${describeErrno(e)}`);
  }
  const bad = schemataMismatch(current, lines);
  if (bad !== undefined) {
    throw new BerthError(`${file}: /linux/intelRdt: the existing CLOS group ${dir} does not have the schemata asked for (${JSON.stringify(bad)}; it has ${JSON.stringify(current.trim().split('\n').map((l) => l.trim()).join('; '))}): it is shared, and never rewritten`);
  }
}

/**
 * create's decision for linux.intelRdt (config-linux.md "IntelRdt"), against the resctrl mount
 * `root` (undefined: none mounted, an error naming /linux/intelRdt). Reads only: the group's dir,
 * its schemata when it exists, the resources under `info/`. Throws naming the field.
 */
export function planRdt(rdt: IntelRdt, id: string, root: string | undefined, file = 'config.json'): RdtPlan {
  if (root === undefined) throw noResctrl(file);
  const requested = linesOf(rdt);
  checkResources(root, requested, file);
  const lines = requested.map((l) => l.line.trim());
  if (rdt.enableMonitoring && !existsSync(join(root, 'info', 'L3_MON'))) {
    throw new BerthError(`${file}: /linux/intelRdt/enableMonitoring: resctrl monitoring is not enabled: the resctrl filesystem at ${root} has no info/L3_MON`);
  }
  const dir = rdt.closID === '/' ? root : join(root, rdt.closID ?? id);
  const exists = existsSync(dir);
  if (rdt.closID !== undefined && lines.length === 0 && !exists) {
    throw new BerthError(`${file}: /linux/intelRdt/closID: there is no CLOS group ${JSON.stringify(rdt.closID)} in the resctrl filesystem at ${root}`);
  }
  if (exists && lines.length > 0) compareExisting(dir, lines, file);
  const monDir = rdt.enableMonitoring ? join(dir, 'mon_groups', id) : undefined;
  if (monDir && existsSync(monDir)) throw new BerthError(`${file}: /linux/intelRdt/enableMonitoring: the MON group ${monDir} exists already`);
  return { root, dir, ...(rdt.closID !== undefined ? { closID: rdt.closID } : {}), lines, exists, ...(monDir ? { monDir } : {}) };
}

/** What applyRdt makes, recorded before it makes it. */
export function rdtRecord(plan: RdtPlan): RdtRecord {
  return { root: plan.root, dir: plan.dir, made: !plan.exists, ...(plan.closID !== undefined ? { closID: plan.closID } : {}), ...(plan.monDir ? { monDir: plan.monDir } : {}) };
}

/** The kernel's own words on the last resctrl write it refused (info/last_cmd_status). */
function lastCmdStatus(root: string): string {
  try {
    const s = readFileSync(join(root, 'info', 'last_cmd_status'), 'utf8').trim();
    return s && s !== 'ok' ? ` (last_cmd_status: ${s})` : '';
  } catch {
    return '';
  }
}

function rdtError(root: string, what: string, e: unknown): BerthError {
  return new BerthError(`intelRdt: ${what}: ${describeErrno(e)}${lastCmdStatus(root)}`);
}

/** Write the schemata lines of a group berth owns (one write: the kernel takes them together). */
export function writeSchemata(root: string, dir: string, lines: string[]): void {
  if (lines.length === 0) return;
  const file = join(dir, 'schemata');
  try {
    writeFileSync(file, lines.join('\n') + '\n');
  } catch (e) {
    throw rdtError(root, `write ${JSON.stringify(lines.join('\\n'))} to ${file}`, e);
  }
}

/** Put `pid` into the group's `tasks` (and its MON group's): the process and its future children. */
export function joinRdt(rec: RdtRecord, pid: number): void {
  for (const d of rec.monDir ? [rec.dir, rec.monDir] : [rec.dir]) {
    try {
      writeFileSync(join(d, 'tasks'), String(pid));
    } catch (e) {
      throw rdtError(rec.root, `add ${pid} to ${join(d, 'tasks')}`, e);
    }
  }
}

/**
 * Carry out the plan for the container's init `pid`, before its program runs: the group (made,
 * then its schemata written; or an existing one, compared again), the init into its `tasks`, the
 * MON group with the init in it. What it makes is what rdtRecord(plan) says.
 */
export function applyRdt(plan: RdtPlan, pid: number): RdtRecord {
  const rec = rdtRecord(plan);
  // What this call made so far: removed again when a later step fails.
  const made: RdtRecord = { ...rec, made: false, monDir: undefined };
  try {
    if (plan.exists) {
      if (plan.lines.length > 0) compareExisting(plan.dir, plan.lines, 'config.json');
    } else {
      makeDir(plan.root, plan.dir, 'CLOS');
      made.made = true;
      writeSchemata(plan.root, plan.dir, plan.lines);
    }
    if (plan.monDir) {
      makeDir(plan.root, plan.monDir, 'MON');
      made.monDir = plan.monDir;
    }
    joinRdt(rec, pid);
  } catch (e) {
    try {
      removeRdt(made, true);
    } catch {
      // the first error says what went wrong
    }
    throw e;
  }
  return rec;
}

function makeDir(root: string, dir: string, kind: string): void {
  try {
    mkdirSync(dir, { mode: 0o755 });
  } catch (e) {
    throw rdtError(root, `make the ${kind} group ${dir}`, e);
  }
}

function rmdirIfThere(dir: string): void {
  try {
    // A resctrl group goes with rmdir alone (its files are the kernel's); its tasks go back to
    // the parent group.
    rmdirSync(dir);
  } catch (e) {
    if (errnoCode(e) !== 'ENOENT') throw new BerthError(`intelRdt: remove ${dir}: ${describeErrno(e)}`);
  }
}

/**
 * Remove what the container had in resctrl: its MON group always; the CLOS group when berth made
 * it, and, at delete, only when no closID named it (spec: a named group stays). A create that
 * fails (`failedCreate`) removes every dir it made.
 */
export function removeRdt(rec: RdtRecord, failedCreate = false): void {
  if (rec.monDir) rmdirIfThere(rec.monDir);
  if (rec.made && (failedCreate || rec.closID === undefined)) rmdirIfThere(rec.dir);
}
