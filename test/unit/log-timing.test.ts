// --debug's step durations (src/log/timing.ts): one debug line per step, in order, each with its
// own duration; nothing written without --debug. Real log files in a temp dir.
import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync, readFileSync, rmSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configureLog } from '../../src/log/logger.js';
import { StepClock } from '../../src/log/timing.js';

/** Busy-wait: the clock measures wall time, and a step must take some. */
const spin = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

let dir: string;
afterEach(() => {
  configureLog({ format: 'text', debug: false });
  rmSync(dir, { recursive: true, force: true });
});

describe('StepClock', () => {
  it('logs each step with the time since the previous mark, then the total', () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-timing-'));
    const file = join(dir, 'log');
    configureLog({ file, format: 'text', debug: true });
    const clock = new StepClock('create c1');
    spin(3);
    clock.mark('validation');
    const got = clock.time('seccomp filter', () => {
      spin(2);
      return 42;
    });
    clock.total();
    expect(got).toBe(42);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(lines).toHaveLength(3);
    const ms = lines.map((l) => Number(/ ([\d.]+) ms"$/.exec(l)?.[1]));
    expect(lines[0]).toMatch(/level=debug msg="create c1: validation took [\d.]+ ms"$/);
    expect(lines[1]).toMatch(/level=debug msg="create c1: seccomp filter took [\d.]+ ms"$/);
    expect(lines[2]).toMatch(/level=debug msg="create c1: total [\d.]+ ms"$/);
    expect(ms[0]).toBeGreaterThanOrEqual(3);
    expect(ms[1]).toBeGreaterThanOrEqual(2);
    expect(ms[2]).toBeGreaterThanOrEqual(ms[0]! + ms[1]!);
  });

  it('a step that throws is still timed', () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-timing-'));
    const file = join(dir, 'log');
    configureLog({ file, format: 'json', debug: true });
    expect(() => new StepClock('exec c1').time('plan', () => { throw new Error('bad'); })).toThrow('bad');
    expect(JSON.parse(readFileSync(file, 'utf8')).msg).toMatch(/^exec c1: plan took [\d.]+ ms$/);
  });

  it('writes nothing without --debug', () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-timing-'));
    const file = join(dir, 'log');
    configureLog({ file, format: 'text', debug: false });
    const clock = new StepClock('create c1');
    clock.mark('validation');
    clock.total();
    expect(existsSync(file)).toBe(false);
  });
});
