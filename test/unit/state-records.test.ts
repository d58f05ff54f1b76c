import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { seal, unseal } from '../../src/state/seal.js';
import { checkContainerRecord, checkTeardownRecord } from '../../src/state/check-record.js';
import { readRecord, writeRecord } from '../../src/state/record-file.js';

const record = () => ({
  ociVersion: '1.2.1',
  id: 'c1',
  pid: 42,
  initStartTime: 1234,
  bundle: '/b',
  rootfs: '/b/rootfs',
  created: '2026-01-01T00:00:00Z',
  owner: 'root',
  annotations: { a: 'b' },
  config: { process: { args: ['sh'] } },
  cgroup: { layout: 'hybrid', paths: { memory: '/sys/fs/cgroup/memory/x' }, created: ['/sys/fs/cgroup/memory/x'] },
  namespaces: [{ type: 'pid' }, { type: 'net', path: '/proc/1/ns/net' }],
});

describe('sealed records', () => {
  it('round-trip, and the file stays plain JSON with the checksum as its last member', () => {
    const text = seal(record());
    expect(unseal(text)).toEqual({ value: record() });
    const plain = JSON.parse(text);
    expect(Object.keys(plain).at(-1)).toBe('sha256');
    expect(plain.pid).toBe(42);
    expect(unseal(seal({}))).toEqual({ value: {} });
  });

  it('a changed byte, a truncated file, garbage or a record without checksum is damage', () => {
    const text = seal(record());
    expect(unseal(text.replace('"pid":42', '"pid":43'))).toEqual({ damage: expect.stringMatching(/checksum mismatch/) });
    expect(unseal(text.slice(0, text.length >> 1))).toEqual({ damage: expect.stringMatching(/truncated/) });
    expect(unseal('\x00\x01garbage')).toEqual({ damage: expect.stringMatching(/truncated or garbled/) });
    expect(unseal(text.replace(/[0-9a-f]{64}/, 'x'))).toEqual({ damage: expect.stringMatching(/no checksum/) });
    expect(unseal('[1,2]')).toEqual({ damage: expect.stringMatching(/no checksum/) });
    expect(unseal('')).toEqual({ damage: 'empty file' });
  });

  it('a record from before sealing (no sha256 member at all) is read as it is', () => {
    expect(unseal(JSON.stringify(record()))).toEqual({ value: record() });
  });
});

describe('record shapes', () => {
  it('a record berth writes passes; the wrong-shaped one of the issue is named by its first wrong field', () => {
    expect(checkContainerRecord(record(), 'c1')).toBeUndefined();
    expect(checkContainerRecord({ id: [1], pid: 'one', status: 7, bundle: false, created: null }, 'c1')).toBe('/ociVersion: is missing');
    expect(checkContainerRecord({ ...record(), id: [1] }, 'c1')).toBe('/id: is not a string');
    expect(checkContainerRecord({ ...record(), pid: 'one' }, 'c1')).toBe('/pid: is not a non-negative integer');
    expect(checkContainerRecord({ ...record(), id: 'c2' }, 'c1')).toMatch(/^\/id: "c2" is not this container's id/);
    expect(checkContainerRecord({ ...record(), namespaces: [{ type: 1 }] }, 'c1')).toBe('/namespaces/0/type: is not a string');
    expect(checkContainerRecord({ ...record(), cgroup: { layout: 'x', paths: {}, created: [] } }, 'c1')).toBe('/cgroup/layout: is not unified, hybrid or legacy');
    expect(checkContainerRecord({ ...record(), cgroup: { layout: 'unified', paths: { '': 'rel' }, created: [] } }, 'c1')).toBe('/cgroup/paths/: is not an absolute path');
    expect(checkContainerRecord([], 'c1')).toBe('/: is not an object');
  });

  it('teardown records', () => {
    const t = { ociVersion: '1.2.1', id: 'c1', bundle: '/b', rootfs: '/b/r', created: 'x', owner: 'root', creator: { pid: 1, startTime: 2 } };
    expect(checkTeardownRecord(t, 'c1')).toBeUndefined();
    expect(checkTeardownRecord({ ...t, init: { pid: -1, startTime: 0 } }, 'c1')).toBe('/init/pid: is not a non-negative integer');
    expect(checkTeardownRecord({ ...t, poststop: {} }, 'c1')).toBe('/poststop: is not an array');
  });
});

describe('record files', () => {
  let dir: string;
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('written atomically and read back checked; damage names the file', () => {
    dir = mkdtempSync(join(tmpdir(), 'berth-rec-'));
    const file = join(dir, 'state.json');
    const check = (v: unknown) => checkContainerRecord(v, 'c1');
    expect(readRecord(file, check)).toEqual({ absent: true });
    writeRecord(file, record());
    expect(readdirSync(dir)).toEqual(['state.json']);
    expect(readRecord(file, check)).toEqual({ value: record() });
    writeFileSync(file, readFileSync(file, 'utf8').slice(0, 40));
    expect(readRecord(file, check)).toEqual({ damaged: `${file}: damaged record: truncated or garbled (not JSON, no checksum at its end)` });
    writeFileSync(file, seal({ ...record(), pid: 'one' }));
    expect(readRecord(file, check)).toEqual({ damaged: `${file}: damaged record: /pid: is not a non-negative integer` });
  });
});
