// The systemd cgroup driver through the CLI (--systemd-cgroup, "slice:prefix:name"): runs only
// where systemd is PID 1: the VM lane's systemd modes, on cgroup v2 (npm run test:systemd) and
// on cgroup v1 hybrid (npm run test:systemd-v1); skipped elsewhere, where the driver's clear
// error is checked instead (cgroups.test.ts). The same tests on both layouts: only the files
// that hold a value differ.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BERTH, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../helpers/bundle.js';
import { runWatched, type WatchedResult } from '../helpers/watched.js';

const systemd = existsSync('/run/systemd/system');
const run = isRoot() && haveBuild() && systemd ? describe : describe.skip;
/** A berth call's time, then (watched.ts) where it waited and SIGKILL: a failure, not a hung lane. */
const BERTH_MS = 120_000;
/** The same for systemctl. */
const SYSTEMCTL_MS = 60_000;
const v2 = existsSync('/sys/fs/cgroup/cgroup.controllers');

type CliResult = WatchedResult & { log: string };

/** What a failed call shows: its stderr, where it waited if it was stuck, berth's --debug log. */
function failure(r: CliResult): string {
  return [r.stderr, r.stuck ?? '', r.log ? `--- berth --debug log\n${r.log}` : ''].filter(Boolean).join('\n');
}

function ok(r: CliResult): void {
  expect(r.status, failure(r)).toBe(0);
}

let calls = 0;
/** berth with --debug into a log of its own, watched (helpers/watched.ts). */
async function cli(b: TestBundle, args: string[]): Promise<CliResult> {
  const log = join(b.dir, `berth-debug-${++calls}.log`);
  const r = await runWatched([BERTH, '--root', b.root, '--debug', '--log', log, ...args], BERTH_MS);
  return { ...r, log: existsSync(log) ? readFileSync(log, 'utf8') : '' };
}

/** systemctl's output; a call past its time fails with where it waited. */
async function systemctl(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const r = await runWatched(['systemctl', ...args], SYSTEMCTL_MS);
  if (r.stuck) throw new Error(r.stuck);
  return { status: r.status, stdout: r.stdout.trim(), stderr: r.stderr };
}

const isActive = async (unit: string) => (await systemctl('is-active', unit)).stdout;
async function show(unit: string, prop: string): Promise<string> {
  const r = await systemctl('show', '-p', prop, '--value', unit);
  if (r.status !== 0) throw new Error(`systemctl show -p ${prop} ${unit}: exit ${r.status}: ${r.stderr}`);
  return r.stdout;
}

async function until(what: () => boolean | Promise<boolean>, ms = 60_000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 100))) if (await what()) return true;
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
    expect(await isActive(unit)).not.toBe('active');
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
    expect(await show(unit, 'TimeoutStopUSec')).toBe('2min 3s');
    expect(await show(unit, 'CollectMode')).toBe('inactive-or-failed');
    const state = JSON.parse(readFileSync(join(b.root, id, 'state.json'), 'utf8'));
    expect(state.cgroup.systemdUnit).toBe(unit);
    const pid: number = state.pid;
    const own = readFileSync(`/proc/${pid}/cgroup`, 'utf8');
    if (v2) expect(own.trim()).toBe(`0::/system.slice/${unit}`);
    else for (const c of ['memory', 'pids', 'devices', 'freezer', 'cpuset']) expect(own).toMatch(new RegExp(`:([^:]*,)?${c}(,[^:]*)?:/system.slice/${unit}\n`));
    expect(await isActive(unit)).toBe('active');
    expect(read(unit, 'memory', MEMORY_FILE)).toBe(String(64 * 1024 * 1024));
    expect(read(unit, 'pids', 'pids.max')).toBe('50');
    // The placeholder that held the scope until the init joined is gone.
    expect(read(unit, 'memory', 'cgroup.procs')).toBe(String(pid));
    ok(await cli(b, ['start', id]));
    ok(await cli(b, ['update', '--memory', '128m', id]));
    expect(read(unit, 'memory', MEMORY_FILE)).toBe(String(128 * 1024 * 1024));
    ok(await cli(b, ['delete', '--force', id]));
    for (const c of ['memory', 'pids', 'freezer', 'cpuset']) expect(existsSync(scopeDir(unit, c))).toBe(false);
    expect(await isActive(unit)).not.toBe('active');
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
    expect(await show(unit, MEMORY_PROP)).toBe(String(96 * 1024 * 1024));
    expect(await show(unit, 'TasksMax')).toBe('40');
    expect(await show(unit, 'CPUQuotaPerSecUSec')).toBe('500ms');
    expect(await show(unit, v2 ? 'CPUWeight' : 'CPUShares')).toBe(v2 ? '20' : '512');
    if (!v2) expect(await show(unit, 'DevicePolicy')).toBe('strict');
    ok(await cli(b, ['update', '--memory', '80m', '--pids-limit', '30', id]));
    expect(await show(unit, MEMORY_PROP)).toBe(String(80 * 1024 * 1024));
    expect(await show(unit, 'TasksMax')).toBe('30');
    const devicesBefore = v2 ? '' : read(unit, 'devices', 'devices.list');
    const reload = await systemctl('daemon-reload');
    expect(reload.status, reload.stderr).toBe(0);
    expect(read(unit, 'memory', MEMORY_FILE)).toBe(String(80 * 1024 * 1024));
    expect(read(unit, 'pids', 'pids.max')).toBe('30');
    if (!v2) {
      const after = read(unit, 'devices', 'devices.list');
      expect(after).not.toMatch(/^a /m); // systemd's default would be "a *:* rwm": every device
      expect(after).toMatch(/^c 1:3 rwm$/m);
      expect(devicesBefore).toMatch(/^c 1:3 rwm$/m);
    }
    ok(await cli(b, ['delete', '--force', id]));
    expect(await isActive(unit)).not.toBe('active');
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
      expect(await isActive(unit)).not.toBe('active');
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
      expect(await isActive(unit)).toBe('active');
      process.kill(p.pid!, 'SIGKILL');
    } finally {
      const hook = existsSync(hookPid) ? Number(readFileSync(hookPid, 'utf8')) : 0;
      if (hook > 0) try { process.kill(hook, 'SIGKILL'); } catch { /* gone */ }
      rmSync(hookPid, { force: true });
    }
    // The placeholder reads EOF and exits; the init loses its runtime and exits; the empty scope stops.
    expect(await until(async () => (await isActive(unit)) !== 'active')).toBe(true);
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
    const killed = await systemctl('kill', '--signal=KILL', unit);
    expect(killed.status, killed.stderr).toBe(0);
    expect(await until(async () => (await isActive(unit)) !== 'active')).toBe(true);
    ok(await cli(b, ['delete', '--force', id]));
    expect(existsSync(join(b.root, id))).toBe(false);
    for (const c of ['freezer', 'cpuset']) expect(existsSync(scopeDir(unit, c))).toBe(false);
  }, 300_000);
});
