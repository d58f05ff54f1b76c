import { describe, it, expect, beforeEach, afterEach } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { resctrlMountIn } from '../../src/intelrdt/resctrl.js';
import { applyRdt, planRdt, removeRdt, schemataMismatch, writeSchemata } from '../../src/intelrdt/group.js';
import { rdtUpdateFromFlags, updateRdt } from '../../src/intelrdt/update.js';

/**
 * The resctrl work is file operations against the mount point. No resctrl here (nor in the VM
 * lanes): a temp dir stands in for it, with the `info/` entries a CAT/MBA/monitoring machine
 * has and the files the kernel would make. What only the kernel does (mkdir making the
 * group's files, parsing schemata, moving tasks, rmdir of a group with files) is not covered.
 */
let root: string;
beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'berth-resctrl-'));
  for (const r of ['L3', 'L2', 'MB', 'L3_MON']) mkdirSync(join(root, 'info', r), { recursive: true });
  writeFileSync(join(root, 'schemata'), '    L3:0=7ff;1=7ff\n    MB:0=100;1=100\n');
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

/** What the kernel makes in a new group, for the stand-in. */
function group(dir: string, schemata: string): void {
  mkdirSync(join(dir, 'mon_groups'), { recursive: true });
  writeFileSync(join(dir, 'schemata'), schemata);
}

describe('resctrl mount', () => {
  it('is the first resctrl mount in mountinfo, its escapes decoded', () => {
    const mi = [
      '22 1 0:21 / / rw - ext4 /dev/sda rw',
      '40 22 0:36 / /sys/fs/res\\040ctrl rw,relatime - resctrl resctrl rw,mba_MBps',
      '41 22 0:37 / /other rw - resctrl resctrl rw',
    ].join('\n');
    expect(resctrlMountIn(mi)).toBe('/sys/fs/res ctrl');
    expect(resctrlMountIn('22 1 0:21 / / rw - ext4 /dev/sda rw\n')).toBeUndefined();
  });
});

describe('planRdt', () => {
  it('without resctrl: an error naming /linux/intelRdt, in runc\'s words', () => {
    expect(() => planRdt({}, 'c1', undefined)).toThrow(/^config\.json: \/linux\/intelRdt: Intel RDT is not supported or enabled/);
  });

  it('the container id is the group when closID is absent; "/" is the root; lines in the spec\'s order', () => {
    const p = planRdt({ schemata: ['L2:0=f'], memBwSchema: 'MB:0=20', l3CacheSchema: 'L3:0=f0' }, 'c1', root).lines;
    expect(p).toEqual(['L3:0=f0', 'MB:0=20', 'L2:0=f']);
    expect(planRdt({}, 'c1', root)).toMatchObject({ dir: join(root, 'c1'), exists: false });
    expect(planRdt({ closID: '/' }, 'c1', root)).toMatchObject({ dir: root, exists: true });
  });

  it('a resource this resctrl lacks names the field (runc: CAT/MBA not enabled)', () => {
    rmSync(join(root, 'info', 'MB'), { recursive: true });
    expect(() => planRdt({ memBwSchema: 'MB:0=20' }, 'c1', root)).toThrow(/\/linux\/intelRdt\/memBwSchema: Intel RDT\/MBA is not enabled: .* no resource "MB"/);
    expect(() => planRdt({ schemata: ['L3:0=f', 'MB:0=20'] }, 'c1', root)).toThrow(/\/linux\/intelRdt\/schemata\/1: /);
    rmSync(join(root, 'info', 'L3_MON'), { recursive: true });
    expect(() => planRdt({ enableMonitoring: true }, 'c1', root)).toThrow(/\/linux\/intelRdt\/enableMonitoring: resctrl monitoring is not enabled/);
  });

  it('a closID without schemata must exist: it is joined', () => {
    expect(() => planRdt({ closID: 'gold' }, 'c1', root)).toThrow(/\/linux\/intelRdt\/closID: there is no CLOS group "gold"/);
    group(join(root, 'gold'), 'L3:0=00f\n');
    expect(planRdt({ closID: 'gold' }, 'c1', root)).toMatchObject({ dir: join(root, 'gold'), exists: true, lines: [] });
  });

  it('an existing group with schemata: compared by value, an error when they differ', () => {
    group(join(root, 'gold'), '    L3:0=00f0;1=001f\n    MB:0= 20;1= 70\n');
    expect(planRdt({ closID: 'gold', l3CacheSchema: 'L3:0=f0;1=1f', memBwSchema: 'MB:0=20' }, 'c1', root).exists).toBe(true);
    expect(() => planRdt({ closID: 'gold', schemata: ['L3:0=ff'] }, 'c1', root)).toThrow(/the existing CLOS group .*gold does not have the schemata asked for \("L3:0=ff"/);
  });
});

describe('schemataMismatch', () => {
  it('compares masks as hex and bandwidth as decimal, per domain', () => {
    expect(schemataMismatch('L3:0=07f0;1=001f\nMB:0=020;1=70\n', ['L3:0=7f0', 'MB:1=70'])).toBeUndefined();
    expect(schemataMismatch('L3:0=07f0\n', ['L3:0=7f1'])).toBe('L3:0=7f1');
    expect(schemataMismatch('L3:0=07f0\n', ['L2:0=f'])).toBe('L2:0=f');
  });
});

describe('applyRdt and removeRdt', () => {
  it('makes the container\'s group, writes its schemata in one write, puts the pid in tasks and in the MON group', () => {
    const plan = planRdt({ l3CacheSchema: 'L3:0=f', schemata: ['MB:0=50'], enableMonitoring: true }, 'c1', root);
    const rec = applyRdtWithKernelDirs(plan, 4242);
    expect(rec).toEqual({ root, dir: join(root, 'c1'), made: true, monDir: join(root, 'c1', 'mon_groups', 'c1') });
    expect(readFileSync(join(root, 'c1', 'schemata'), 'utf8')).toBe('L3:0=f\nMB:0=50\n');
    expect(readFileSync(join(root, 'c1', 'tasks'), 'utf8')).toBe('4242');
    expect(readFileSync(join(root, 'c1', 'mon_groups', 'c1', 'tasks'), 'utf8')).toBe('4242');
    // resctrl's files go with the group's rmdir; the stand-in's are removed by hand.
    for (const f of ['mon_groups/c1/tasks', 'tasks', 'schemata']) unlinkSync(join(root, 'c1', f));
    removeRdt({ ...rec, made: false });
    expect(existsSync(rec.monDir!)).toBe(false);
    rmSync(join(root, 'c1', 'mon_groups'), { recursive: true });
    removeRdt(rec);
    expect(existsSync(join(root, 'c1'))).toBe(false);
  });

  it('an existing closID group is joined: no schemata written, kept at delete and after a failed create', () => {
    group(join(root, 'gold'), 'L3:0=f\n');
    const rec = applyRdt(planRdt({ closID: 'gold', l3CacheSchema: 'L3:0=f', enableMonitoring: true }, 'c2', root), 77);
    expect(rec).toMatchObject({ made: false, closID: 'gold' });
    expect(readFileSync(join(root, 'gold', 'schemata'), 'utf8')).toBe('L3:0=f\n');
    expect(readFileSync(join(root, 'gold', 'tasks'), 'utf8')).toBe('77');
    unlinkSync(join(root, 'gold', 'mon_groups', 'c2', 'tasks'));
    removeRdt(rec, true);
    expect(existsSync(join(root, 'gold', 'mon_groups', 'c2'))).toBe(false);
    expect(existsSync(join(root, 'gold'))).toBe(true);
  });

  it('a closID group berth made stays at delete (spec) but goes when the create fails', () => {
    const plan = planRdt({ closID: 'silver', l3CacheSchema: 'L3:0=3' }, 'c3', root);
    const rec = applyRdt(plan, 5);
    expect(rec).toMatchObject({ made: true, closID: 'silver' });
    for (const f of ['tasks', 'schemata']) unlinkSync(join(root, 'silver', f));
    removeRdt(rec);
    expect(existsSync(join(root, 'silver'))).toBe(true);
    removeRdt(rec, true);
    expect(existsSync(join(root, 'silver'))).toBe(false);
  });

  it('a refused write says what, with the kernel\'s last_cmd_status', () => {
    writeFileSync(join(root, 'info', 'last_cmd_status'), 'Unknown or unsupported resource name \'L9\'\n');
    mkdirSync(join(root, 'g'));
    mkdirSync(join(root, 'g', 'schemata')); // a write that fails
    expect(() => writeSchemata(root, join(root, 'g'), ['L9:0=1'])).toThrow(/intelRdt: write .* to .*g\/schemata: .*last_cmd_status: Unknown or unsupported resource name 'L9'/);
  });
});

/** applyRdt with what the kernel's mkdir of a group adds (mon_groups/) made as the dir appears. */
function applyRdtWithKernelDirs(plan: ReturnType<typeof planRdt>, pid: number) {
  // The group is made by applyRdt; mon_groups/ is the kernel's, so it is made here before the
  // MON group: the two steps apart.
  const { monDir: _mon, ...ctrl } = plan;
  const rec = applyRdt(ctrl, pid);
  mkdirSync(join(plan.dir, 'mon_groups'));
  const mon = applyRdt({ ...plan, exists: true, lines: [] }, pid);
  return { ...rec, monDir: mon.monDir };
}

describe('update --l3-cache-schema / --mem-bw-schema', () => {
  const rec = (extra: object = {}): any => ({ id: 'c9', pid: 99, config: { linux: {} }, ...extra });

  it('the flags are checked as the fields are', () => {
    expect(rdtUpdateFromFlags({})).toBeUndefined();
    expect(rdtUpdateFromFlags({ 'l3-cache-schema': 'L3:0=f' })).toEqual({ l3CacheSchema: 'L3:0=f' });
    expect(() => rdtUpdateFromFlags({ 'mem-bw-schema': '0=5' })).toThrow('update --mem-bw-schema: must start with "MB:" ("0=5")');
    expect(() => rdtUpdateFromFlags({ 'l3-cache-schema': 'L3:0=f\nMB:0=1' })).toThrow('update --l3-cache-schema: must be one schemata line');
  });

  it('without resctrl: an error naming the flag', () => {
    expect(() => updateRdt(rec(), { memBwSchema: 'MB:0=5' }, undefined)).toThrow(/^update c9: --mem-bw-schema: Intel RDT is not supported or enabled/);
  });

  it('a container without intelRdt gets its own group, its init joined, then the schemata (as runc)', () => {
    const out = updateRdt(rec(), { l3CacheSchema: 'L3:0=3', memBwSchema: 'MB:0=40' }, root);
    expect(out.intelRdt).toEqual({ root, dir: join(root, 'c9'), made: true });
    expect(readFileSync(join(root, 'c9', 'tasks'), 'utf8')).toBe('99');
    expect(readFileSync(join(root, 'c9', 'schemata'), 'utf8')).toBe('L3:0=3\nMB:0=40\n');
    expect(out.config.linux.intelRdt).toEqual({ l3CacheSchema: 'L3:0=3', memBwSchema: 'MB:0=40' });
  });

  it('a shared group (an existing closID) is never rewritten', () => {
    group(join(root, 'gold'), 'L3:0=f\n');
    const shared = { root, dir: join(root, 'gold'), made: false, closID: 'gold' };
    expect(() => updateRdt(rec({ intelRdt: shared }), { l3CacheSchema: 'L3:0=1' }, root)).toThrow(/update c9: --l3-cache-schema: the container's CLOS group .*gold is shared/);
    expect(readFileSync(join(root, 'gold', 'schemata'), 'utf8')).toBe('L3:0=f\n');
    // A group named like the container that it was not created in: not its own either.
    group(join(root, 'c9'), 'L3:0=f\n');
    expect(() => updateRdt(rec(), { l3CacheSchema: 'L3:0=1' }, root)).toThrow(/CLOS group .*c9 is shared/);
    expect(existsSync(join(root, 'c9', 'tasks'))).toBe(false);
    rmSync(join(root, 'info', 'MB'), { recursive: true });
    expect(() => updateRdt(rec(), { memBwSchema: 'MB:0=1' }, root)).toThrow(/update c9: --mem-bw-schema: Intel RDT\/MBA is not enabled/);
  });
});
