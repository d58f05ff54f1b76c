import { describe, it, expect, afterEach } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { berth, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../helpers/bundle.js';

const run = isRoot() && haveBuild() ? describe : describe.skip;
const RUNC_KEYS = ['ociVersion', 'id', 'pid', 'status', 'bundle', 'rootfs', 'created', 'annotations', 'owner'];

run("state and list keep runc's shapes (what engines parse)", () => {
  const made: TestBundle[] = [];
  afterEach(() => {
    for (const b of made.splice(0)) b.cleanup();
  });

  it('list -f json with no containers prints null, as runc', () => {
    const root = mkdtempSync(join(tmpdir(), 'berth-empty-root-'));
    try {
      const r = berth({ root }, ['list', '-f', 'json']);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toBe('null\n');
      const runc = spawnSync('runc', ['--root', root, 'list', '-f', 'json'], { encoding: 'utf8' });
      if (runc.status === 0) expect(runc.stdout.trim()).toBe(r.stdout.trim());
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });

  it("state and list: the bundle's ociVersion, annotations only when set, runc's key order, created in RFC 3339 with sub-second digits", () => {
    const b = makeBundle(['sleep', '300'], (c) => {
      c.ociVersion = '1.0.2';
      c.annotations = { 'org.example.k': 'v' };
    });
    made.push(b);
    const bare = makeBundle(['sleep', '300']);
    made.push(bare);
    const id = uniqueId();
    const id2 = uniqueId();
    const before = Date.now();
    expect(berth(b, ['create', '--bundle', b.dir, id]).status).toBe(0);
    expect(berth(b, ['create', '--bundle', bare.dir, id2]).status).toBe(0);
    const st = JSON.parse(berth(b, ['state', id]).stdout);
    expect(Object.keys(st)).toEqual(RUNC_KEYS);
    expect(st.ociVersion).toBe('1.0.2');
    expect(st.annotations).toEqual({ 'org.example.k': 'v' });
    expect(st.created).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d{1,9})?Z$/);
    expect(Math.abs(Date.parse(st.created) - before)).toBeLessThan(30_000);
    const plain = JSON.parse(berth(b, ['state', id2]).stdout);
    expect(Object.keys(plain)).toEqual(RUNC_KEYS.filter((k) => k !== 'annotations'));
    const list = JSON.parse(berth(b, ['list', '-f', 'json']).stdout);
    const byId = Object.fromEntries(list.map((r: any) => [r.id, r]));
    expect(Object.keys(byId[id])).toEqual(RUNC_KEYS);
    expect(Object.keys(byId[id2])).toEqual(RUNC_KEYS.filter((k) => k !== 'annotations'));
    expect(byId[id].created).toBe(st.created);
  });
});
