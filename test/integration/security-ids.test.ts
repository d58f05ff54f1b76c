import { describe, it, expect, afterEach } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { berth, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../helpers/bundle.js';
import { cgroupDirsNamed } from '../helpers/leaks.js';

const run = isRoot() && haveBuild() ? describe : describe.skip;

run('ids and paths from the command line', () => {
  let b: TestBundle;
  let extra: string | undefined;
  afterEach(() => {
    b?.cleanup();
    if (extra) rmSync(extra, { recursive: true, force: true });
    extra = undefined;
  });

  // A NUL cannot reach berth at all: execve takes NUL-terminated strings (Node refuses one in
  // an argument before spawning).
  const BAD = ['a/b', '../escape', '..', '.', 'x/../../y', 'x'.repeat(1025), 'tab\there', 'new\nline', ''];
  it.each(BAD.map((id) => [JSON.stringify(id).slice(0, 40), id]))('create with id %s is refused and makes nothing', (_n, id) => {
    b = makeBundle(['true']);
    const parent = dirname(b.root);
    const before = readdirSync(parent).sort();
    const r = berth(b, ['create', '--bundle', b.dir, id]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/container id/);
    expect(readdirSync(parent).sort()).toEqual(before);
    expect(existsSync(b.root) ? readdirSync(b.root) : []).toEqual([]);
    expect(cgroupDirsNamed(b.config.linux.cgroupsPath.split('/').pop())).toEqual([]);
    for (const cmd of [['state', id], ['delete', '--force', id], ['kill', id, 'KILL'], ['start', id]]) {
      expect(berth(b, cmd).status, cmd.join(' ')).not.toBe(0);
    }
  });

  it('an id of 1024 characters: a clear error, nothing left', () => {
    b = makeBundle(['true']);
    const r = berth(b, ['create', '--bundle', b.dir, 'y'.repeat(1024)]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^(create \S+: )?.*(name too long|invalid container id)/m);
    expect(existsSync(b.root) ? readdirSync(b.root) : []).toEqual([]);
  });

  it('--root that is a symlink: the state goes where it points, delete removes it', () => {
    b = makeBundle(['sleep', '100']);
    extra = mkdtempSync(join(tmpdir(), 'berth-rootlink-'));
    const link = join(extra, 'link');
    symlinkSync(b.root, link);
    const id = uniqueId();
    const s = { root: link };
    // Dangling (its target not made yet): a clear error, nothing made.
    const dangling = berth(s, ['create', '--bundle', b.dir, id]);
    expect(dangling.status).toBe(1);
    expect(dangling.stderr).toMatch(/state root/);
    expect(existsSync(b.root)).toBe(false);
    mkdirSync(b.root);
    expect(berth(s, ['create', '--bundle', b.dir, id]).status).toBe(0);
    expect(existsSync(join(b.root, id, 'state.json'))).toBe(true);
    expect(JSON.parse(berth(s, ['state', id]).stdout).status).toBe('created');
    expect(berth(s, ['delete', '--force', id]).status).toBe(0);
    expect(readdirSync(b.root)).toEqual([]);
  });

  it('a cgroupsPath with ".." is refused: nothing is made in any hierarchy', () => {
    const leaf = uniqueId('climb');
    for (const path of [`berth-test/../../../../../../${leaf}`, `/../../${leaf}`]) {
      b = makeBundle(['true'], (c) => {
        c.linux.cgroupsPath = path;
      });
      const r = berth(b, ['run', '--bundle', b.dir, uniqueId()]);
      expect(r.status, path).toBe(1);
      expect(r.stderr).toMatch(/cgroupsPath: must not contain "\.\."/);
      expect(cgroupDirsNamed(leaf)).toEqual([]);
      b.cleanup();
    }
  });

  it('a relative hook path is refused before anything is made', () => {
    b = makeBundle(['true'], (c) => {
      c.hooks = { createRuntime: [{ path: 'bin/true' }] };
    });
    const r = berth(b, ['run', '--bundle', b.dir, uniqueId()]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/hooks\/createRuntime\/0\/path: must be an absolute path/);
    expect(existsSync(b.root) ? readdirSync(b.root) : []).toEqual([]);
  });

  it('a relative program path is looked up inside the container, never on the host', () => {
    b = makeBundle(['sh', '-c', 'true']);
    b.config.process.cwd = '/bin';
    b.config.process.args = ['./busybox', 'echo', 'inside'];
    b.write();
    const r = berth(b, ['run', '--bundle', b.dir, uniqueId()]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('inside\n');
  });
});
