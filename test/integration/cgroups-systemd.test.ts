// The systemd cgroup driver through the CLI (--systemd-cgroup, "slice:prefix:name"): runs only
// where systemd is PID 1: the VM lane's systemd modes, on cgroup v2 (npm run test:systemd) and
// on cgroup v1 hybrid (npm run test:systemd-v1); skipped elsewhere, where the driver's clear
// error is checked instead (cgroups.test.ts). The same tests on both layouts: only the files
// that hold a value differ.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BERTH, berth, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../helpers/bundle.js';

const systemd = existsSync('/run/systemd/system');
const run = isRoot() && haveBuild() && systemd ? describe : describe.skip;
const SLOW = { timeout: 120_000 };
// systemctl as well: a call that does not return fails the test instead of hanging the VM lane.
const SYSTEMCTL = { timeout: 60_000, killSignal: 'SIGKILL' as const };
const v2 = existsSync('/sys/fs/cgroup/cgroup.controllers');

function ok(r: { status: number | null; stderr: string }): void {
  expect(r.status, r.stderr).toBe(0);
}

/** A turn of the event loop around each blocking call: under emulation a run of them would
 * starve vitest's worker RPC past its timeout (as in cgroups-lifecycle.test.ts). */
async function turn(): Promise<void> {
  await new Promise((r) => setTimeout(r, 1));
}

async function cli(b: TestBundle, args: string[]): Promise<ReturnType<typeof berth>> {
  await turn();
  const r = berth(b, args, SLOW);
  await turn();
  return r;
}

function systemctl(...args: string[]): string {
  return spawnSync('systemctl', args, { encoding: 'utf8', ...SYSTEMCTL }).stdout.trim();
}

const isActive = (unit: string) => systemctl('is-active', unit);
const show = (unit: string, prop: string) => systemctl('show', '-p', prop, '--value', unit);

async function until(what: () => boolean, ms = 60_000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (what()) return true;
  return what();
}

/** The scope's dir in a hierarchy: v2 the one dir; v1 by controller (systemd's: memory, pids,
 * devices; berth's own: freezer, cpuset). */
function scopeDir(unit: string, ctrl: string): string {
  return v2 ? `/sys/fs/cgroup/system.slice/${unit}` : `/sys/fs/cgroup/${ctrl}/system.slice/${unit}`;
}

const read = (unit: string, ctrl: string, file: string) => readFileSync(join(scopeDir(unit, ctrl), file), 'utf8').trim();
const MEMORY_FILE = v2 ? 'memory.max' : 'memory.limit_in_bytes';
const MEMORY_PROP = v2 ? 'MemoryMax' : 'MemoryLimit';

/** A bundle for a scope of system.slice with a memory and a pids limit. */
function scopedBundle(id: string): TestBundle {
  const b = makeBundle(['sleep', '1000'], (c) => {
    c.linux.cgroupsPath = `system.slice:berth:${id}`;
    c.linux.resources = { ...(c.linux.resources ?? {}), memory: { limit: 64 * 1024 * 1024 }, pids: { limit: 50 } };
  });
  b.write();
  return b;
}

run(`systemd cgroup driver (systemd is PID 1: ${systemd}, cgroup ${v2 ? 'v2' : 'v1'})`, () => {
  let b: TestBundle | undefined;
  afterEach(() => {
    b?.cleanup();
    b = undefined;
  });

  it('create --dry-run names the scope and the properties it would start it with, and starts nothing', async () => {
    const id = uniqueId('sd');
    b = scopedBundle(id);
    const unit = `berth-${id}.scope`;
    const r = await cli(b, ['--systemd-cgroup', 'create', '--dry-run', '--format', 'json', '--bundle', b.dir, id]);
    ok(r);
    const cg = JSON.parse(r.stdout).host.cgroup;
    expect(cg).toMatchObject({ driver: 'systemd', systemdUnit: unit, writes: [] });
    expect(cg.systemdProperties).toEqual(expect.arrayContaining(['Slice=system.slice', 'Delegate=true', 'PIDs=0', `${MEMORY_PROP}=${64 * 1024 * 1024}`, 'TasksMax=50']));
    expect(isActive(unit)).not.toBe('active');
    expect(existsSync(b.root)).toBe(false);
  });

  it('puts the container in a delegated scope of the slice with the annotations\' properties, applies limits, and delete stops it', async () => {
    const id = uniqueId('sd');
    b = scopedBundle(id);
    // runc's auxiliary scope properties (org.systemd.property.*, GVariant text; Sec → USec).
    b.config.annotations = { 'org.systemd.property.TimeoutStopSec': '123', 'org.systemd.property.CollectMode': "'inactive-or-failed'" };
    b.write();
    const unit = `berth-${id}.scope`;
    ok(await cli(b, ['--systemd-cgroup', 'create', '--bundle', b.dir, id]));
    expect(show(unit, 'TimeoutStopUSec')).toBe('2min 3s');
    expect(show(unit, 'CollectMode')).toBe('inactive-or-failed');
    const state = JSON.parse(readFileSync(join(b.root, id, 'state.json'), 'utf8'));
    expect(state.cgroup.systemdUnit).toBe(unit);
    const pid: number = state.pid;
    const own = readFileSync(`/proc/${pid}/cgroup`, 'utf8');
    if (v2) expect(own.trim()).toBe(`0::/system.slice/${unit}`);
    else for (const c of ['memory', 'pids', 'devices', 'freezer', 'cpuset']) expect(own).toMatch(new RegExp(`:([^:]*,)?${c}(,[^:]*)?:/system.slice/${unit}\n`));
    expect(isActive(unit)).toBe('active');
    expect(read(unit, 'memory', MEMORY_FILE)).toBe(String(64 * 1024 * 1024));
    expect(read(unit, 'pids', 'pids.max')).toBe('50');
    // The placeholder that held the scope until the init joined is gone.
    expect(read(unit, 'memory', 'cgroup.procs')).toBe(String(pid));
    ok(await cli(b, ['start', id]));
    ok(await cli(b, ['update', '--memory', '128m', id]));
    expect(read(unit, 'memory', MEMORY_FILE)).toBe(String(128 * 1024 * 1024));
    ok(await cli(b, ['delete', '--force', id]));
    for (const c of ['memory', 'pids', 'freezer', 'cpuset']) expect(existsSync(scopeDir(unit, c))).toBe(false);
    expect(isActive(unit)).not.toBe('active');
  }, 300_000);

  it('tells systemd the limits, so that a daemon-reload keeps them (devices too on v1)', async () => {
    const id = uniqueId('sd');
    b = makeBundle(['sleep', '1000'], (c) => {
      c.linux.cgroupsPath = `system.slice:berth:${id}`;
      c.linux.resources = {
        ...(c.linux.resources ?? {}),
        memory: { limit: 96 * 1024 * 1024 },
        pids: { limit: 40 },
        cpu: { shares: 512, quota: 50_000, period: 100_000 },
      };
    });
    b.write();
    const unit = `berth-${id}.scope`;
    ok(await cli(b, ['--systemd-cgroup', 'create', '--bundle', b.dir, id]));
    expect(show(unit, MEMORY_PROP)).toBe(String(96 * 1024 * 1024));
    expect(show(unit, 'TasksMax')).toBe('40');
    expect(show(unit, 'CPUQuotaPerSecUSec')).toBe('500ms');
    expect(show(unit, v2 ? 'CPUWeight' : 'CPUShares')).toBe(v2 ? '20' : '512');
    if (!v2) expect(show(unit, 'DevicePolicy')).toBe('strict');
    ok(await cli(b, ['update', '--memory', '80m', '--pids-limit', '30', id]));
    expect(show(unit, MEMORY_PROP)).toBe(String(80 * 1024 * 1024));
    expect(show(unit, 'TasksMax')).toBe('30');
    const devicesBefore = v2 ? '' : read(unit, 'devices', 'devices.list');
    expect(spawnSync('systemctl', ['daemon-reload'], SYSTEMCTL).status).toBe(0);
    await turn();
    expect(read(unit, 'memory', MEMORY_FILE)).toBe(String(80 * 1024 * 1024));
    expect(read(unit, 'pids', 'pids.max')).toBe('30');
    if (!v2) {
      const after = read(unit, 'devices', 'devices.list');
      expect(after).not.toMatch(/^a /m); // systemd's default would be "a *:* rwm": every device
      expect(after).toMatch(/^c 1:3 rwm$/m);
      expect(devicesBefore).toMatch(/^c 1:3 rwm$/m);
    }
    ok(await cli(b, ['delete', '--force', id]));
    expect(isActive(unit)).not.toBe('active');
  }, 300_000);

  it('stops the scope when create fails after starting it (a resource write, a createRuntime hook)', async () => {
    const edits: ((c: any) => void)[] = [
      (c) => { c.linux.resources = { cpu: { cpus: '4096' } }; }, // no such cpu: fails in the scope dir
      (c) => { c.hooks = { createRuntime: [{ path: '/bin/false' }] }; }, // fails after the init joined
    ];
    for (const edit of edits) {
      const id = uniqueId('sd');
      b = makeBundle(['true'], (c) => {
        c.linux.cgroupsPath = `system.slice:berth:${id}`;
        edit(c);
      });
      b.write();
      const r = await cli(b, ['--systemd-cgroup', 'create', '--bundle', b.dir, id]);
      expect(r.status).not.toBe(0);
      const unit = `berth-${id}.scope`;
      for (const c of ['memory', 'freezer', 'cpuset']) expect(existsSync(scopeDir(unit, c))).toBe(false);
      expect(isActive(unit)).not.toBe('active');
      expect(existsSync(join(b.root, id))).toBe(false);
      b.cleanup();
      b = undefined;
    }
  }, 300_000);

  it('leaves no scope behind when create is killed while it holds one (the placeholder exits)', async () => {
    const id = uniqueId('sd');
    const hookPid = `/tmp/${id}.hook.pid`;
    b = makeBundle(['true'], (c) => {
      c.linux.cgroupsPath = `system.slice:berth:${id}`;
      // The scope exists and the placeholder still holds it while this hook runs.
      c.hooks = { createRuntime: [{ path: '/bin/sh', args: ['sh', '-c', `echo $$ > ${hookPid}; exec sleep 120`] }] };
    });
    b.write();
    const unit = `berth-${id}.scope`;
    const p = spawn(BERTH, ['--root', b.root, '--systemd-cgroup', 'create', '--bundle', b.dir, id], { stdio: 'ignore' });
    try {
      expect(await until(() => existsSync(hookPid) && readFileSync(hookPid, 'utf8').trim() !== '')).toBe(true);
      expect(isActive(unit)).toBe('active');
      process.kill(p.pid!, 'SIGKILL');
    } finally {
      const hook = existsSync(hookPid) ? Number(readFileSync(hookPid, 'utf8')) : 0;
      if (hook > 0) try { process.kill(hook, 'SIGKILL'); } catch { /* gone */ }
      spawnSync('rm', ['-f', hookPid]);
    }
    // The placeholder reads EOF and exits; the init loses its runtime and exits; the empty scope stops.
    expect(await until(() => isActive(unit) !== 'active')).toBe(true);
    for (const c of ['memory', 'pids']) expect(existsSync(scopeDir(unit, c))).toBe(false);
    // berth was SIGKILLed: its state dir stays (as runc's would); delete clears it.
    ok(await cli(b, ['delete', '--force', id]));
    expect(existsSync(join(b.root, id))).toBe(false);
  }, 300_000);

  it('delete tolerates a scope that is already gone (stopped behind its back)', async () => {
    const id = uniqueId('sd');
    b = makeBundle(['sleep', '1000'], (c) => {
      c.linux.cgroupsPath = `system.slice:berth:${id}`;
    });
    b.write();
    const unit = `berth-${id}.scope`;
    ok(await cli(b, ['--systemd-cgroup', 'create', '--bundle', b.dir, id]));
    // The scope ends once empty: SIGKILL everything in it (the init, not started yet).
    expect(spawnSync('systemctl', ['kill', '--signal=KILL', unit], SYSTEMCTL).status).toBe(0);
    expect(await until(() => isActive(unit) !== 'active')).toBe(true);
    ok(await cli(b, ['delete', '--force', id]));
    expect(existsSync(join(b.root, id))).toBe(false);
    for (const c of ['freezer', 'cpuset']) expect(existsSync(scopeDir(unit, c))).toBe(false);
  }, 300_000);
});
