// Small CLI value parsers: Go durations (events --interval) and memory sizes (update --memory).
import { describe, expect, it } from 'vitest';
import { parseDuration } from '../../src/cli/duration.js';
import { mergeResources, size } from '../../src/commands/update.js';

describe('parseDuration', () => {
  it('reads Go durations in milliseconds', () => {
    expect(parseDuration('5s', 'x')).toBe(5000);
    expect(parseDuration('500ms', 'x')).toBe(500);
    expect(parseDuration('1m30s', 'x')).toBe(90_000);
    expect(parseDuration('1.5s', 'x')).toBe(1500);
    expect(parseDuration('0', 'x')).toBe(0);
  });
  it('refuses anything else, naming the flag', () => {
    for (const bad of ['', '5', 's', '5x', '-1s', '5s ']) expect(() => parseDuration(bad, 'events --interval'), bad).toThrow(/^events --interval: invalid duration/);
  });
});

describe('update sizes', () => {
  it('bytes and binary units, -1 for unlimited', () => {
    expect(size('1048576', 'memory')).toBe(1048576);
    expect(size('128m', 'memory')).toBe(128 * 1024 * 1024);
    expect(size('1G', 'memory')).toBe(1024 ** 3);
    expect(size('512kb', 'memory')).toBe(512 * 1024);
    expect(size('-1', 'memory-swap')).toBe(-1);
    expect(size(undefined, 'memory')).toBeUndefined();
  });
  it('refuses words, naming the flag', () => {
    expect(() => size('lots', 'memory')).toThrow(/^update --memory: "lots" is not a size/);
    expect(() => size('1x', 'memory-swap')).toThrow(/^update --memory-swap: /);
  });
});

describe('update: stored resources', () => {
  it('merges per section; lists and scalars are replaced', () => {
    const old = { memory: { limit: 1, swap: 2 }, pids: { limit: 5 }, devices: [{ allow: false, access: 'rwm' }] };
    expect(mergeResources(old, { memory: { limit: 3 }, devices: [] })).toEqual({ memory: { limit: 3, swap: 2 }, pids: { limit: 5 }, devices: [] });
  });
});

describe('signal table', () => {
  it('matches the kernel numbers Node knows (os.constants.signals)', async () => {
    const { SIGNALS } = await import('../../src/cli/signals.js');
    const { constants } = await import('node:os');
    for (const [name, n] of Object.entries(constants.signals)) expect(SIGNALS[name], name).toBe(n);
    for (const [name, n] of Object.entries(SIGNALS)) expect((constants.signals as Record<string, number>)[name], name).toBe(n);
  });
});
