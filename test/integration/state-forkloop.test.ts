import { describe, it, expect, afterEach } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { berthYielding as berth, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../helpers/bundle.js';
import { cgroupDirsNamed } from '../helpers/leaks.js';

const run = isRoot() && haveBuild() ? describe : describe.skip;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const LIMIT = 40;

// A container in the host's pid namespace whose processes keep its pids.max budget full (a
// fork loop: pids are freed and taken again all the time, so a pid read from the cgroup may name
// nothing, or a thread, by the time it is signalled). `delete --force` and `kill --all` must
// still kill everything and leave nothing. Run on this host (cgroup v1: freeze, then kill) and
// in the cgroup v2 VM lane (cgroup.kill).
run('a fork loop filling pids.max, in the host pid namespace', () => {
  let b: TestBundle;
  afterEach(() => b?.cleanup());

  /** initStays: the init execs sleep once the loops run; else it is a shell that ends when a fork fails. */
  async function forkLoop(initStays: boolean): Promise<{ id: string; cg: string; pids: string; status: string }> {
    const loops = '(for i in 1 2 3 4; do (while :; do sleep 1000 & done) & done)';
    b = makeBundle(['sh', '-c', initStays ? `${loops}; exec sleep 1000` : `${loops} & wait`], (c) => {
      c.linux.namespaces = c.linux.namespaces.filter((n: { type: string }) => n.type !== 'pid');
      c.linux.resources = { ...(c.linux.resources ?? {}), pids: { limit: LIMIT } };
    });
    const id = uniqueId('forkloop');
    const r = await berth(b, ['run', '-d', '--bundle', b.dir, id]);
    expect(r.status, r.stderr).toBe(0);
    const rec = JSON.parse(readFileSync(join(b.root, id, 'state.json'), 'utf8'));
    const pids = join(rec.cgroup.paths.pids ?? rec.cgroup.paths[''], 'pids.current');
    // Until the budget is (nearly) full: loops whose fork failed end and free a pid that
    // another takes again. Bounded by the loop count, not by a time.
    const full = () => Number(readFileSync(pids, 'utf8')) >= LIMIT - 4;
    for (let i = 0; i < 3000 && !full(); i++) await sleep(10);
    expect(full()).toBe(true);
    return { id, cg: basename(b.config.linux.cgroupsPath), pids, status: JSON.parse((await berth(b, ['state', id])).stdout).status };
  }

  /** `delete [flags] id` succeeds quietly and leaves no state dir and no cgroup dir. */
  async function deletedLeavingNothing(id: string, cg: string, flags: string[] = []): Promise<void> {
    const del = await berth(b, ['delete', ...flags, id]);
    expect(del.stderr).toBe('');
    expect(del.status).toBe(0);
    expect(existsSync(join(b.root, id))).toBe(false);
    expect(cgroupDirsNamed(cg)).toEqual([]);
  }

  it('delete --force kills it all and removes the state dir and the cgroup', async () => {
    const { id, cg, status } = await forkLoop(true);
    expect(status).toBe('running');
    await deletedLeavingNothing(id, cg, ['--force']);
  });

  it('its init gone, the loops go on: delete kills what is left in the cgroup (as runc) and removes it', async () => {
    const { id, cg, pids } = await forkLoop(false);
    // The init shell ends once a fork of its own fails; the loops keep the budget full.
    for (let i = 0; i < 3000 && JSON.parse((await berth(b, ['state', id])).stdout).status !== 'stopped'; i++) await sleep(10);
    expect(JSON.parse((await berth(b, ['state', id])).stdout).status).toBe('stopped');
    expect(Number(readFileSync(pids, 'utf8'))).toBeGreaterThan(0);
    await deletedLeavingNothing(id, cg);
  });

  it('kill --all KILL empties the cgroup; then a plain delete removes it', async () => {
    const { id, cg, pids } = await forkLoop(true);
    const kill = await berth(b, ['kill', '--all', id, 'KILL']);
    expect(kill.stderr).toBe('');
    expect(kill.status).toBe(0);
    for (let i = 0; i < 1000 && Number(readFileSync(pids, 'utf8')) > 0; i++) await sleep(10);
    expect(Number(readFileSync(pids, 'utf8'))).toBe(0);
    await deletedLeavingNothing(id, cg);
  });
});
