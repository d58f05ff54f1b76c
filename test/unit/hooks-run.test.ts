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
});
