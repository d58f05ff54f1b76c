import { describe, it, expect, afterAll, beforeAll } from 'vitest';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { BERTH, berth, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../helpers/bundle.js';
import { berthProcesses, cgroupDirsNamed } from '../helpers/leaks.js';
import { readStat } from '../../src/state/proc.js';

const run = isRoot() && haveBuild() ? describe : describe.skip;

/** mulberry32: a small seeded PRNG, so a failing run is replayed with its seed. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const SEED = process.env.BERTH_FAULT_SEED ? Number(process.env.BERTH_FAULT_SEED) : Math.floor(Math.random() * 2 ** 31);
/** 10 in CI (well under a minute on 2 cores); BERTH_FAULT_ROUNDS for a longer local run. */
const ROUNDS = Number(process.env.BERTH_FAULT_ROUNDS ?? 10);

const alive = (pid: number) => {
  const st = readStat(pid);
  return st !== undefined && st.state !== 'Z';
};

/** Run berth and SIGKILL it after `ms` (if it is still running); resolves once it is gone. */
function killedAfter(root: string, args: string[], ms: number): Promise<string> {
  return new Promise((resolve) => {
    const child = spawn(BERTH, ['--root', root, ...args], { stdio: 'ignore' });
    const timer = setTimeout(() => child.kill('SIGKILL'), ms);
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve(signal ? `killed by ${signal}` : `exited ${code}`);
    });
  });
}

// Seeded fault injection: berth is SIGKILLed at a random moment of a random command of a
// container's life (and now and then a record is damaged after); then `list` and `state` still
// answer, `delete --force` leaves nothing from the host's view (state dir, cgroup dirs in every
// hierarchy, processes), and a bystander container is untouched. BERTH_FAULT_SEED=<seed>
// replays a run (the seed is printed).
run(`berth killed at random points of every command (seed ${SEED})`, () => {
  let b: TestBundle;
  let bystander: string;
  let bystanderPid: number;
  const rand = prng(SEED);
  const pick = <T,>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;

  beforeAll(() => {
    console.log(`state-faults: BERTH_FAULT_SEED=${SEED}`);
    b = makeBundle(['sleep', '1000']);
    bystander = uniqueId('bystander');
    expect(berth(b, ['run', '-d', '--bundle', b.dir, bystander]).status).toBe(0);
    bystanderPid = JSON.parse(berth(b, ['state', bystander]).stdout).pid;
  });
  afterAll(() => b?.cleanup());

  const LIFE = [
    (id: string) => ['create', '--bundle', b.dir, id],
    (id: string) => ['start', id],
    (id: string) => ['exec', '-d', id, 'sleep', '1000'],
    (id: string) => ['pause', id],
    (id: string) => ['resume', id],
    (id: string) => ['kill', id, 'KILL'],
    (id: string) => ['delete', id],
  ] as const;
  const READERS = [['list', '-f', 'json'], ['list'], ['ps']] as const;

  for (let round = 0; round < ROUNDS; round++) {
    it(`round ${round}`, async () => {
      const id = uniqueId(`fault${round}`);
      // Each container in a cgroup of its own, so what it leaves is told apart from the bystander's.
      b.config.linux.cgroupsPath = `berth-test/${uniqueId('cgf')}`;
      b.write();
      const cg = basename(b.config.linux.cgroupsPath);
      const at = Math.floor(rand() * LIFE.length);
      const ms = Math.floor(rand() * 120);
      const damage = rand() < 0.3 ? pick(['state.json', 'teardown.json'] as const) : undefined;
      const reader = pick(READERS);
      for (let i = 0; i < at; i++) {
        const r = berth(b, LIFE[i]!(id));
        expect(r.status, `${LIFE[i]!(id).join(' ')}: ${r.stderr}`).toBe(0);
      }
      const how = await killedAfter(b.root, LIFE[at]!(id), ms);
      // A reader killed too, while the container is in whatever state the kill left.
      await killedAfter(b.root, reader[0] === 'ps' ? ['ps', id] : [...reader], Math.floor(rand() * 20));
      const note = `seed ${SEED} round ${round}: ${LIFE[at]!(id)[0]} after ${ms} ms (${how})${damage ? `, ${damage} damaged` : ''}`;
      // One record damaged at most, and only while the other is there: with both unreadable
      // berth kills nothing it cannot identify (state-damage.test.ts shows that case).
      const other = damage === 'state.json' ? 'teardown.json' : 'state.json';
      if (damage && existsSync(join(b.root, id, damage)) && existsSync(join(b.root, id, other))) {
        const file = join(b.root, id, damage);
        writeFileSync(file, readFileSync(file, 'utf8').slice(0, 30));
      }

      const list = berth(b, ['list', '-f', 'json']);
      expect(list.status, `${note}: ${list.stderr}`).toBe(0);
      expect(list.stderr, note).not.toMatch(/internal error/);
      const state = berth(b, ['state', id]);
      expect(state.stderr, note).not.toMatch(/internal error/);
      expect(state.stderr.trim().split('\n').length, note).toBeLessThanOrEqual(1);

      const del = berth(b, ['delete', '--force', id]);
      expect(del.status, `${note}: ${del.stderr}`).toBe(0);
      expect(del.stderr, note).not.toMatch(/internal error/);
      expect(existsSync(join(b.root, id)), note).toBe(false);
      expect(cgroupDirsNamed(cg), note).toEqual([]);
      expect(berthProcesses('', cg), note).toEqual([]);
      expect(alive(bystanderPid), note).toBe(true);
      expect(JSON.parse(berth(b, ['state', bystander]).stdout), note).toMatchObject({ status: 'running', pid: bystanderPid });
    });
  }
});
