// The systemd cgroup driver through the CLI (--systemd-cgroup, "slice:prefix:name"): runs only
// where systemd is PID 1 (the cgroup2 VM lane's systemd mode: BERTH_VM_SYSTEMD=1
// bash scripts/cgroup2-vm/run.sh test/integration/cgroups-systemd.test.ts); skipped elsewhere,
// where the driver's clear error is checked instead (cgroups.test.ts).
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { berth, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../helpers/bundle.js';

const systemd = existsSync('/run/systemd/system');
const run = isRoot() && haveBuild() && systemd ? describe : describe.skip;
const SLOW = { timeout: 120_000 };

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

function isActive(unit: string): string {
  return spawnSync('systemctl', ['is-active', unit], { encoding: 'utf8' }).stdout.trim();
}

run(`systemd cgroup driver (systemd is PID 1: ${systemd})`, () => {
  let b: TestBundle | undefined;
  afterEach(() => {
    b?.cleanup();
    b = undefined;
  });

  it('puts the container in a delegated scope of the slice, applies limits, and delete stops it', async () => {
    const id = uniqueId('sd');
    b = makeBundle(['sleep', '1000'], (c) => {
      c.linux.cgroupsPath = `system.slice:berth:${id}`;
      c.linux.resources = { ...(c.linux.resources ?? {}), memory: { limit: 64 * 1024 * 1024 }, pids: { limit: 50 } };
    });
    b.write();
    const unit = `berth-${id}.scope`;
    ok(await cli(b, ['--systemd-cgroup', 'create', '--bundle', b.dir, id]));
    const state = JSON.parse(readFileSync(join(b.root, id, 'state.json'), 'utf8'));
    expect(state.cgroup.systemdUnit).toBe(unit);
    const pid: number = state.pid;
    expect(readFileSync(`/proc/${pid}/cgroup`, 'utf8').trim()).toBe(`0::/system.slice/${unit}`);
    expect(isActive(unit)).toBe('active');
    const dir = `/sys/fs/cgroup/system.slice/${unit}`;
    expect(readFileSync(join(dir, 'memory.max'), 'utf8').trim()).toBe(String(64 * 1024 * 1024));
    expect(readFileSync(join(dir, 'pids.max'), 'utf8').trim()).toBe('50');
    // The placeholder that held the scope until the init joined is gone.
    expect(readFileSync(join(dir, 'cgroup.procs'), 'utf8').trim()).toBe(String(pid));
    ok(await cli(b, ['start', id]));
    ok(await cli(b, ['update', '--memory', '128m', id]));
    expect(readFileSync(join(dir, 'memory.max'), 'utf8').trim()).toBe(String(128 * 1024 * 1024));
    ok(await cli(b, ['delete', '--force', id]));
    expect(existsSync(dir)).toBe(false);
    expect(isActive(unit)).not.toBe('active');
  }, 300_000);

  it('stops the scope when create fails after starting it (a resource write, a createRuntime hook)', async () => {
    const edits: ((c: any) => void)[] = [
      (c) => { c.linux.resources = { unified: { 'nosuch.file': '1' } }; }, // fails in the scope dir
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
      expect(existsSync(`/sys/fs/cgroup/system.slice/${unit}`)).toBe(false);
      expect(isActive(unit)).not.toBe('active');
      expect(existsSync(join(b.root, id))).toBe(false);
      b.cleanup();
      b = undefined;
    }
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
    expect(spawnSync('systemctl', ['kill', '--signal=KILL', unit]).status).toBe(0);
    for (let i = 0; i < 600 && isActive(unit) === 'active'; i++) await new Promise((r) => setTimeout(r, 100));
    expect(isActive(unit)).not.toBe('active');
    ok(await cli(b, ['delete', '--force', id]));
    expect(existsSync(join(b.root, id))).toBe(false);
  }, 300_000);
});
