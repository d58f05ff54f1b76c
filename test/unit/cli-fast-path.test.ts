import { describe, it, expect } from 'vitest';
import { asksVersion, parseFast } from '../../src/cli/fast-path.js';
import { parseOnly } from '../../src/cli/yargs.js';
import { protectExecCommand } from '../../src/cli/argv.js';

const g = ['--root', '/r', '--log', '/b/log.json', '--log-format', 'json'];

/** The engine command lines and a few spellings of them. */
const FAST_FORMS: string[][] = [
  [...g, 'create', '--bundle', '/b', '--pid-file', '/b/init.pid', 'c1'],
  [...g, 'create', '--bundle', '/b', '--pid-file', '/b/init.pid', '--console-socket', '/s.sock', 'c1'],
  [...g, 'create', '-b', '/b', '--no-pivot', '--no-new-keyring', '--preserve-fds', '2', 'c1'],
  ['--systemd-cgroup', 'create', '--bundle=/b', '--preserve-fds=1', 'c1'],
  ['create', 'c1'],
  [...g, 'start', 'c1'],
  [...g, 'exec', '--process', '/tmp/runc-process1', '--detach', '--pid-file', '/b/e.pid', 'c1'],
  [...g, 'exec', '--process', '/tmp/p', '--detach', '--pid-file', '/b/e.pid', '--console-socket', '/s', 'c1'],
  [...g, 'ps', '--format', 'json', 'c1'],
  [...g, 'pause', 'c1'],
  [...g, 'resume', 'c1'],
  [...g, 'kill', 'c1', '9'],
  [...g, 'kill', '--all', 'c1', 'KILL'],
  [...g, 'kill', 'c1'],
  [...g, 'delete', 'c1'],
  [...g, 'delete', '--force', 'c1'],
  ['--debug', 'state', 'c1'],
  ['--root=/x', 'state', 'c1'],
  ['run', '--bundle', '/b', '-d', 'c1'],
  ['run', '--keep', '--pid-file', '/p', 'c1'],
  ['run', '--no-subreaper', '--pidfd-socket', '/pidfd.sock', 'c1'],
  [...g, 'create', '--bundle', '/b', '--pidfd-socket=/pidfd.sock', 'c1'],
  [...g, 'exec', '--process', '/tmp/p', '--detach', '--pidfd-socket', '/pidfd.sock', 'c1'],
  ['exec', '--pidfd-socket', '/pidfd.sock', 'c1', 'sh', '-c', 'true'],
  [...g, 'exec', 'c1', '/bin/true'],
  ['exec', '-u', '0', '--cwd', '/', '-t', 'c1', 'sh', '-c', 'echo -e hi --tty'],
  ['exec', '--user=1:2', 'c1', '--', 'ls', '-l'],
  [...g, 'list', '--format', 'json'],
  ['list', '-q'],
  ['ls'],
  [...g, 'update', '--resources', '-', 'c1'],
  ['update', '-r', '/b/res.json', 'c1'],
  [...g, 'events', '--stats', 'c1'],
  ['events', '--interval', '1s', 'c1'],
  ['features'],
];

/** yargs adds aliases, camelCase copies and its own keys; compare what the commands read. */
function commandView(a: Record<string, any>, keys: string[]): Record<string, any> {
  return Object.fromEntries(keys.filter((k) => a[k] !== undefined).map((k) => [k, a[k]]));
}

describe('fast path for the commands engines call per container', () => {
  it('parses the containerd shim forms', () => {
    expect(parseFast([...g, 'start', 'c1'])).toEqual({ command: 'start', args: expect.objectContaining({ root: '/r', log: '/b/log.json', 'log-format': 'json', id: 'c1' }) });
    expect(parseFast([...g, 'kill', 'c1', '9'])?.args).toMatchObject({ id: 'c1', signal: '9', all: false });
    expect(parseFast([...g, 'create', '--bundle', '/b', '--pid-file', '/p', 'c1'])).toEqual({
      command: 'create',
      args: expect.objectContaining({ bundle: '/b', 'pid-file': '/p', 'no-pivot': false, 'no-new-keyring': false, 'preserve-fds': 0, id: 'c1' }),
    });
    expect(parseFast([...g, 'exec', '--process', '/p.json', '--detach', 'c1'])?.args).toMatchObject({ process: '/p.json', detach: true, id: 'c1' });
    expect(parseFast(['state', 'c1'])?.args).toMatchObject({ 'log-format': 'text' });
    expect(parseFast(['state', 'c1'])?.args.root).toBeUndefined(); // defaultRoot() decides (globals.ts)
  });

  it('gives each command the same arguments yargs does', async () => {
    for (const argv of FAST_FORMS) {
      const fast = parseFast(argv);
      expect(fast, argv.join(' ')).toBeDefined();
      const full = await parseOnly(protectExecCommand(argv));
      expect(full, argv.join(' ')).toBeDefined();
      const keys = Object.keys(fast!.args);
      expect(commandView(full!, keys), argv.join(' ')).toEqual(fast!.args);
      expect(full!._[0] === 'ls' ? 'list' : full!._[0], argv.join(' ')).toBe(fast!.command);
    }
  });

  it('leaves everything else to yargs', () => {
    for (const argv of [
      ['state'], ['state', 'a', 'b'], ['state', '--help'], ['--help'], ['--bogus', 'state', 'c1'],
      ['delete', '-x', 'c1'], ['--log-format', 'xml', 'state', 'c1'], ['kill', 'c1', '9', 'extra'], ['--root'],
      ['create', '--bundle'], ['create', '--preserve-fds', 'x', 'c1'], ['create', '--help', 'c1'], 
      ['exec', 'c1'], ['exec', '--process', 'p', 'c1', 'sh'], ['exec', '-e', 'A=1', 'c1', 'sh'], ['exec', '--cap', 'CAP_KILL', 'c1', 'true'], ['run', 'c1', 'extra'], ['ps', '-f', 'xml', 'c1'], ['create', '--no-pivot=1', 'c1'],
      ['list', 'extra'], ['list', '-f', 'xml'], ['update', 'c1'], ['update', '--memory', '1m', 'c1'], ['events'], ['features', 'x'],
    ]) {
      expect(parseFast(argv), argv.join(' ')).toBeUndefined();
    }
  });

  it('sees --version and -v alone, after global flags too', () => {
    for (const argv of [['--version'], ['-v'], ['--root', '/r', '--version'], ['--debug', '--log=/l', '-v'], [...g, '--version']]) expect(asksVersion(argv), argv.join(' ')).toBe(true);
    for (const argv of [[], ['--root', '--version'], ['state', '--version'], ['--version', 'state'], ['--bogus', '-v'], ['-v', '-v']]) expect(asksVersion(argv), argv.join(' ')).toBe(false);
  });
});
