import { describe, it, expect } from 'vitest';
import { parseFast } from '../../src/cli/fast-path.js';

describe('fast path for the commands engines call per container', () => {
  it('parses the containerd shim forms (ENGINES.md)', () => {
    const g = ['--root', '/r', '--log', '/b/log.json', '--log-format', 'json'];
    expect(parseFast([...g, 'start', 'c1'])).toEqual({ command: 'start', args: expect.objectContaining({ root: '/r', log: '/b/log.json', 'log-format': 'json', id: 'c1' }) });
    expect(parseFast([...g, 'kill', 'c1', '9'])?.args).toMatchObject({ id: 'c1', signal: '9', all: false });
    expect(parseFast([...g, 'kill', '--all', 'c1', 'KILL'])?.args).toMatchObject({ id: 'c1', signal: 'KILL', all: true });
    expect(parseFast([...g, 'kill', 'c1'])?.args).toMatchObject({ signal: 'SIGTERM' });
    expect(parseFast([...g, 'delete', '--force', 'c1'])?.args).toMatchObject({ id: 'c1', force: true });
    expect(parseFast([...g, 'delete', 'c1'])?.args).toMatchObject({ force: false });
    expect(parseFast([...g, 'ps', '--format', 'json', 'c1'])?.args).toMatchObject({ id: 'c1', format: 'json' });
    expect(parseFast(['--root=/x', 'state', 'c1'])?.args).toMatchObject({ root: '/x', id: 'c1' });
    expect(parseFast(['state', 'c1'])?.args).toMatchObject({ root: '/run/berth', 'log-format': 'text' });
  });

  it('leaves everything else to yargs', () => {
    for (const argv of [
      ['state'], ['state', 'a', 'b'], ['state', '--help'], ['--help'], ['create', 'c1'], ['--bogus', 'state', 'c1'],
      ['delete', '-x', 'c1'], ['--log-format', 'xml', 'state', 'c1'], ['kill', 'c1', '9', 'extra'], ['--root'],
    ]) {
      expect(parseFast(argv), argv.join(' ')).toBeUndefined();
    }
  });
});
