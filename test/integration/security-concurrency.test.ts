import { describe, it, expect, afterEach } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { basename, join } from 'node:path';
import { BERTH, berth, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../helpers/bundle.js';
import { berthProcesses, cgroupDirsNamed } from '../helpers/leaks.js';

const run = isRoot() && haveBuild() ? describe : describe.skip;

/** bin/berth, asynchronously: resolves with the exit status (output discarded). */
function berthAsync(root: string, args: string[]): Promise<number | null> {
  return new Promise((resolve) => {
    const c = spawn(BERTH, ['--root', root, ...args], { stdio: 'ignore' });
    c.on('exit', (code) => resolve(code));
  });
}

run('concurrency', () => {
  let b: TestBundle;
  afterEach(() => b?.cleanup());

  it('50 concurrent creates of distinct ids all succeed, and all delete cleanly', async () => {
    b = makeBundle(['sleep', '100']);
    const ids = Array.from({ length: 50 }, () => uniqueId('cc'));
    // One cgroup per container: a cgroupsPath of its own for each bundle would need 50
    // bundles; the id-named default (relative, under the test's cgroup) keeps them apart.
    delete b.config.linux.cgroupsPath;
    b.write();
    const codes = await Promise.all(ids.map((id) => berthAsync(b.root, ['create', '--bundle', b.dir, id])));
    try {
      expect(codes).toEqual(ids.map(() => 0));
      const list = JSON.parse(berth(b, ['list', '--format', 'json']).stdout);
      expect(list.map((r: any) => r.id).sort()).toEqual([...ids].sort());
      expect(list.every((r: any) => r.status === 'created')).toBe(true);
    } finally {
      const del = await Promise.all(ids.map((id) => berthAsync(b.root, ['delete', '--force', id])));
      expect(del).toEqual(ids.map(() => 0));
    }
    expect(readdirSync(b.root)).toEqual([]);
    for (const id of ids) expect(cgroupDirsNamed(id)).toEqual([]);
  }, 240_000);

  it('delete --force racing start, kill and exec never leaves a half-deleted container or a stray process', async () => {
    for (let round = 0; round < 6; round++) {
      const marker = String(900000 + Math.floor(Math.random() * 99999));
      b = makeBundle(['sleep', `${marker}1`]);
      const id = uniqueId();
      const cg = basename(b.config.linux.cgroupsPath);
      expect(berth(b, ['create', '--bundle', b.dir, id]).status).toBe(0);
      const racers = [
        berthAsync(b.root, ['start', id]),
        berthAsync(b.root, ['exec', '-d', id, 'sleep', `${marker}2`]),
        berthAsync(b.root, ['kill', id, 'KILL']),
        berthAsync(b.root, ['exec', '-d', id, 'sleep', `${marker}3`]),
      ];
      // Delete in the middle of the others (each round a little later).
      await new Promise((r) => setTimeout(r, round * 15));
      const del = await berthAsync(b.root, ['delete', '--force', id]);
      await Promise.all(racers);
      expect(del, `round ${round}`).toBe(0);
      // Whole or gone: no state dir, no cgroup dir, no process of the container (an exec that
      // got in before the delete was killed with it; one after it failed).
      expect(existsSync(join(b.root, id)), `round ${round}`).toBe(false);
      expect(cgroupDirsNamed(cg), `round ${round}`).toEqual([]);
      expect(berthProcesses(marker, ''), `round ${round}`).toEqual([]);
      b.cleanup();
    }
  }, 240_000);
});
