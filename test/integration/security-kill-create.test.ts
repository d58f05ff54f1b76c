import { describe, it, expect, afterEach } from 'vitest';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { spawn, type ChildProcess } from 'node:child_process';
import { basename, join } from 'node:path';
import { BERTH, berth, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../helpers/bundle.js';
import { cgroupDirsNamed, snapshot } from '../helpers/leaks.js';
import { readStat } from '../../src/state/proc.js';

const run = isRoot() && haveBuild() ? describe : describe.skip;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(what: string, cond: () => boolean, ms = 20_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(10);
  }
}

function exited(child: ChildProcess): Promise<void> {
  return new Promise((r) => (child.exitCode !== null || child.signalCode !== null ? r() : child.once('exit', () => r())));
}

// A runtime killed (SIGKILL) anywhere in `create` must leave nothing that a later
// `delete --force` does not find: create records what it is about to make (teardown.json in
// the state dir) before it makes it, and delete/list/state read that record.
run('create killed at any moment', () => {
  let b: TestBundle;
  let child: ChildProcess | undefined;
  let hold: string | undefined;
  afterEach(async () => {
    if (hold) rmSync(hold, { force: true }); // lets a runtime-side hook (the test's own) finish
    if (child?.pid && child.exitCode === null && child.signalCode === null) {
      process.kill(child.pid, 'SIGKILL');
      await exited(child);
    }
    child = hold = undefined;
    b?.cleanup();
  });

  async function killAndCheck(id: string, stop: () => Promise<void>, env: Record<string, string> = {}): Promise<void> {
    const cgName = basename(b.config.linux.cgroupsPath);
    const before = snapshot(id, cgName);
    child = spawn(BERTH, ['--root', b.root, 'create', '--bundle', b.dir, id], { stdio: 'ignore', env: { ...process.env, ...env } });
    await stop();
    process.kill(child.pid!, 'SIGKILL');
    await exited(child);
    // Caught half-made: list and state show it as `creating`.
    const list = berth(b, ['list', '--format', 'json']);
    expect(list.status, list.stderr).toBe(0);
    expect(JSON.parse(list.stdout)).toEqual([expect.objectContaining({ id, status: 'creating' })]);
    expect(JSON.parse(berth(b, ['state', id]).stdout)).toMatchObject({ id, status: 'creating' });
    const del = berth(b, ['delete', '--force', id]);
    expect(del.status, del.stderr).toBe(0);
    if (hold) rmSync(hold, { force: true });
    expect(existsSync(join(b.root, id))).toBe(false);
    expect(cgroupDirsNamed(cgName)).toEqual([]);
    const after = snapshot(id, cgName);
    expect(after.processes).toEqual([]);
    expect(after.mounts).toEqual(before.mounts);
    expect(berth(b, ['state', id]).status).not.toBe(0);
  }

  for (const point of ['before-cgroup', 'after-cgroup', 'init-pid', 'ready', 'before-state']) {
    it(`at ${point}: delete --force leaves no state dir, cgroup dir or process`, async () => {
      b = makeBundle(['sleep', '100']);
      const id = uniqueId();
      await killAndCheck(id, () => until(`berth to stop at ${point}`, () => readStat(child!.pid!)?.state === 'T'), { BERTH_TEST_STOP_AT: point });
    });
  }

  it('a create still running: delete refuses without --force; --force kills the create and removes it all', async () => {
    b = makeBundle(['sleep', '100']);
    const id = uniqueId();
    const cgName = basename(b.config.linux.cgroupsPath);
    child = spawn(BERTH, ['--root', b.root, 'create', '--bundle', b.dir, id], { stdio: 'ignore', env: { ...process.env, BERTH_TEST_STOP_AT: 'ready' } });
    await until('berth to stop at ready', () => readStat(child!.pid!)?.state === 'T');
    const plain = berth(b, ['delete', id]);
    expect(plain.status).toBe(1);
    expect(plain.stderr).toMatch(/that is being created \(use --force\)/);
    expect(cgroupDirsNamed(cgName).length).toBeGreaterThan(0);
    const del = berth(b, ['delete', '--force', id]);
    expect(del.status, del.stderr).toBe(0);
    await exited(child);
    expect(child.signalCode).toBe('SIGKILL');
    expect(existsSync(join(b.root, id))).toBe(false);
    expect(cgroupDirsNamed(cgName)).toEqual([]);
    expect(snapshot(id, cgName).processes).toEqual([]);
  });

  for (const kind of ['prestart', 'createRuntime', 'createContainer']) {
    it(`in a ${kind} hook: delete --force leaves no state dir, cgroup dir or process`, async () => {
      b = makeBundle(['sleep', '100']);
      const id = uniqueId();
      hold = join(b.dir, 'hold');
      const pidFile = join(b.dir, 'hook.pid');
      writeFileSync(hold, '');
      // The hook says it runs, then waits for the hold file to go (the test removes it after
      // the delete: a runtime-side hook is the hook's own process, outside the container).
      const script = `echo $$ > ${pidFile}; while [ -e ${hold} ]; do sleep 0.05; done`;
      b.config.hooks = { [kind]: [{ path: '/bin/sh', args: ['sh', '-c', script] }] };
      b.write();
      await killAndCheck(id, () => until(`the ${kind} hook`, () => existsSync(pidFile) && readFileSync(pidFile, 'utf8').endsWith('\n')));
      if (kind !== 'createContainer') {
        // A pid of the host's namespace (a createContainer hook's is the container's; it was in
        // the container's cgroup, which is gone).
        const hookPid = Number(readFileSync(pidFile, 'utf8'));
        await until('the hook to end', () => readStat(hookPid) === undefined || readStat(hookPid)!.state === 'Z');
      }
    });
  }
});
