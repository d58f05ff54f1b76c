import { describe, it, expect } from 'vitest';
import { parseSignal } from '../../src/cli/signals.js';
import { checkId } from '../../src/state/id.js';
import { formatLine } from '../../src/log/logger.js';
import { renderInitError } from '../../src/runtime/init-errors.js';
import { parseStat } from '../../src/state/proc.js';
import { capMask } from '../../src/plan/capabilities.js';
import { parseMountOptions } from '../../src/plan/mount-options.js';
import { MS } from '../../src/plan/linux.js';

describe('signals', () => {
  it('takes numbers and names with or without SIG, any case', () => {
    expect(parseSignal('9')).toBe(9);
    expect(parseSignal('KILL')).toBe(9);
    expect(parseSignal('SIGTERM')).toBe(15);
    expect(parseSignal('sigusr1')).toBe(10);
    expect(parseSignal('SIGRTMIN+2')).toBe(36);
    expect(() => parseSignal('SIGNOPE')).toThrow(/unknown signal/);
    // Numbers go to the kernel as they are (runc): 0 is a liveness probe, 99 the kernel refuses.
    expect(parseSignal('0')).toBe(0);
    expect(parseSignal('99')).toBe(99);
    expect(() => parseSignal('99999999999')).toThrow(/invalid signal/);
  });
});

describe('container ids', () => {
  it('accepts runc ids and refuses path tricks', () => {
    expect(checkId('a_b+c-d.e9')).toBe('a_b+c-d.e9');
    for (const bad of ['', '.', '..', 'a/b', '../x', 'a b', 'x\n']) expect(() => checkId(bad)).toThrow();
  });
});

describe('log lines', () => {
  it('are runc/logrus JSON and text', () => {
    expect(JSON.parse(formatLine('error', 'boom "x"', 'json', '2026-01-01T00:00:00Z'))).toEqual({ level: 'error', msg: 'boom "x"', time: '2026-01-01T00:00:00Z' });
    expect(formatLine('error', 'boom "x"', 'text', 'T')).toBe('time="T" level=error msg="boom \\"x\\""');
  });
});

describe('init errors', () => {
  it('name the step, the syscall, the path and the errno text', () => {
    const ops = [{ what: 'start' }, { what: 'mount proc on /proc' }];
    expect(renderInitError(ops, ['1', 'mount', '1', '/proc'])).toBe('mount proc on /proc: mount: operation not permitted');
    expect(renderInitError(ops, ['1', 'open', '2', '/x/y'])).toBe('mount proc on /proc: open /x/y: no such file or directory');
    expect(renderInitError(ops, ['0', 'hook', '0', 'exit status 3'])).toBe('start: hook exit status 3');
  });
});

describe('/proc/PID/stat', () => {
  it('parses comm with spaces and parentheses', () => {
    const line = '123 (a (b) c) S 1 123 123 0 -1 4194560 100 0 0 0 1 2 0 0 20 0 1 0 98765 1000 10';
    expect(parseStat(line)).toEqual({ state: 'S', ppid: 1, startTime: 98765 });
  });
});

describe('capabilities and mount options', () => {
  it('make masks from names', () => {
    expect(capMask(['CAP_CHOWN', 'CAP_KILL'], 40)).toBe((1 + 32).toString(16));
    expect(capMask(['CAP_NOT_A_CAP'], 40)).toBe('0');
    expect(capMask(['CAP_CHECKPOINT_RESTORE'], 39)).toBe('0');
  });
  it('split flags, clears, propagation, recursive attributes and data', () => {
    const o = parseMountOptions(['ro', 'nosuid', 'rw', 'rslave', 'rro', 'mode=755', 'size=1k']);
    expect(o.flags).toBe(MS.NOSUID);
    expect(o.propagation).toEqual([MS.SLAVE | MS.REC]);
    expect(o.attrSet).toBe(1);
    expect(o.data).toEqual(['mode=755', 'size=1k']);
  });
});

import { protectExecCommand } from '../../src/cli/argv.js';
describe('exec argv', () => {
  it('keeps the command and its flags away from berth options', () => {
    expect(protectExecCommand(['--root', '/r', 'exec', '-t', '--cwd', '/x', 'c1', 'sh', '-c', 'echo hi'])).toEqual(['--root', '/r', 'exec', '-t', '--cwd', '/x', 'c1', '--', 'sh', '-c', 'echo hi']);
    expect(protectExecCommand(['exec', 'c1', '--', 'ls'])).toEqual(['exec', 'c1', '--', 'ls']);
    expect(protectExecCommand(['exec', '-p', 'p.json', 'c1'])).toEqual(['exec', '-p', 'p.json', 'c1']);
    expect(protectExecCommand(['state', 'c1'])).toEqual(['state', 'c1']);
    expect(protectExecCommand(['--root', '/r', 'update', '--resources', '-', 'c1'])).toEqual(['--root', '/r', 'update', '--resources=-', 'c1']);
    expect(protectExecCommand(['update', '-r', '-', 'c1'])).toEqual(['update', '-r=-', 'c1']);
    expect(protectExecCommand(['--rootless', 'true', 'spec', '--rootless'])).toEqual(['--rootless', 'true', 'spec', '--spec-rootless']);
  });
});

describe("created as Go's RFC3339Nano (runc's state)", () => {
  it('nanosecond digits, trailing zeros cut, none for a whole second', async () => {
    const { rfc3339Nano } = await import('../../src/state/record.js');
    expect(rfc3339Nano(1764638069179588720n)).toBe('2025-12-02T01:14:29.17958872Z');
    expect(rfc3339Nano(1764638069000000000n)).toBe('2025-12-02T01:14:29Z');
    expect(rfc3339Nano(1764638069000000001n)).toBe('2025-12-02T01:14:29.000000001Z');
    expect(rfc3339Nano()).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/);
  });
});
