import { describe, it, expect, afterEach } from 'vitest';
import { berth, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../helpers/bundle.js';

const run = isRoot() && haveBuild() ? describe : describe.skip;

run('hooks and their stdin', () => {
  let b: TestBundle;
  afterEach(() => b?.cleanup());

  it('a hook that exits without reading the state on stdin has not failed (EPIPE is not an error)', () => {
    // A state larger than a pipe buffer: writing it must outlive the hook, which never reads.
    b = makeBundle(['true'], (c) => {
      c.annotations = { big: 'x'.repeat(256 * 1024) };
      c.hooks = { createRuntime: [{ path: '/bin/true' }], poststart: [{ path: '/bin/true' }], poststop: [{ path: '/bin/true' }] };
    });
    const r = berth(b, ['run', '--bundle', b.dir, uniqueId()]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('a hook that fails without reading stdin still fails, with its exit status', () => {
    b = makeBundle(['true'], (c) => {
      c.annotations = { big: 'x'.repeat(256 * 1024) };
      c.hooks = { createRuntime: [{ path: '/bin/false' }] };
    });
    const r = berth(b, ['run', '--bundle', b.dir, uniqueId()]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/createRuntime hook 0 \(\/bin\/false\): exit status 1/);
  });
});
