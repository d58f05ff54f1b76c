import { describe, it, expect } from 'vitest';
import { runHooks } from '../../src/hooks/run.js';

// A state bigger than a pipe buffer: a hook that exits without reading it makes the write fail
// with EPIPE every time, not just when the race goes that way.
const bigState = { id: 'c1', annotations: { pad: 'x'.repeat(1 << 20) } };

describe('hooks', () => {
  it('a hook that exits 0 without reading its stdin succeeds', () => {
    expect(() => runHooks([{ path: '/bin/sh', args: ['sh', '-c', 'exit 0'] }], 'createRuntime', bigState)).not.toThrow();
  });

  it('a hook that exits non-zero without reading its stdin fails with its status, not EPIPE', () => {
    expect(() => runHooks([{ path: '/bin/sh', args: ['sh', '-c', 'echo nope >&2; exit 3'] }], 'createRuntime', bigState)).toThrow(
      /^createRuntime hook 0 \(\/bin\/sh\): exit status 3: nope$/,
    );
  });

  it('a hook that reads the state sees it on stdin', () => {
    expect(() => runHooks([{ path: '/bin/sh', args: ['sh', '-c', 'grep -q "\\"id\\":\\"c9\\"" || exit 4'] }], 'prestart', { id: 'c9' })).not.toThrow();
    expect(() => runHooks([{ path: '/bin/sh', args: ['sh', '-c', 'grep -q "\\"id\\":\\"c9\\"" || exit 4'] }], 'prestart', { id: 'c8' })).toThrow(/exit status 4/);
  });

  it('args (argv[0] included) and exactly the hook env', () => {
    const check = 'test "$0" = my-name && test "$1" = one && test "$FOO" = bar && test -z "$HOME" || exit 5';
    expect(() => runHooks([{ path: '/bin/sh', args: ['my-name', '-c', check, 'my-name', 'one'], env: ['FOO=bar'] }], 'prestart', {})).not.toThrow();
    expect(() => runHooks([{ path: '/bin/sh', args: ['my-name', '-c', check, 'my-name', 'two'], env: ['FOO=bar'] }], 'prestart', {})).toThrow(/exit status 5/);
  });

  it('a hook past its timeout is killed and fails naming the timeout', () => {
    const t0 = Date.now();
    expect(() => runHooks([{ path: '/bin/sleep', args: ['sleep', '30'], timeout: 1 }], 'prestart', {})).toThrow(/^prestart hook 0 \(\/bin\/sleep\): timed out after 1s$/);
    expect(Date.now() - t0).toBeLessThan(20_000);
  });

  it('a missing hook binary is named', () => {
    expect(() => runHooks([{ path: '/nonexistent/hook' }], 'poststop', {})).toThrow(/^poststop hook 0 \(\/nonexistent\/hook\): no such file or directory$/);
  });
});
