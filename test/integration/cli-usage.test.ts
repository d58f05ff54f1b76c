import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { BERTH, haveBuild } from '../helpers/bundle.js';

const run = haveBuild() ? describe : describe.skip;
const tmp = mkdtempSync(join(tmpdir(), 'berth-usage-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function berth(args: string[]) {
  return spawnSync(BERTH, ['--root', join(tmp, 'root'), ...args], { cwd: tmp, encoding: 'utf8', timeout: 20_000 });
}
const lastLine = (s: string) => s.trimEnd().split('\n').pop();

const COMMANDS = ['create', 'start', 'run', 'state', 'kill', 'delete', 'exec', 'list', 'ps', 'pause', 'resume', 'events', 'update', 'spec', 'features', 'check', 'checkpoint', 'restore'];

run('argument errors as clear as config errors (runc exit codes)', () => {
  it('an unknown flag says so, with the usage: global (not swallowing the command) and per command', () => {
    const g = berth(['--bogus', 'list']);
    expect(g.status).toBe(1);
    expect(lastLine(g.stderr)).toBe('unknown global flag --bogus');
    expect(g.stderr).toContain('berth [global options] <command>');
    const c = berth(['list', '--bogus']);
    expect(c.status).toBe(1);
    expect(lastLine(c.stderr)).toBe('list: unknown flag --bogus');
    expect(c.stderr).toMatch(/^berth list\n/);
  });

  it('a missing id names the command that needs it', () => {
    for (const cmd of ['state', 'kill', 'delete', 'exec', 'start']) {
      const r = berth([cmd]);
      expect(r.status, cmd).toBe(1);
      expect(lastLine(r.stderr)).toBe(`${cmd}: a container id is required`);
      expect(r.stderr).toContain(`berth ${cmd} <id>`);
    }
  });

  it('an unknown command exits 3 (runc), with -h too; help COMMAND shows its usage', () => {
    for (const args of [['foo'], ['foo', '-h'], ['--debug', 'foo', 'x']]) {
      const r = berth(args);
      expect(r.status, args.join(' ')).toBe(3);
      expect(r.stderr).toBe('unknown command "foo"; see berth --help\n');
    }
    const h = berth(['help', 'kill']);
    expect(h.status).toBe(0);
    expect(h.stdout).toMatch(/^berth kill <id> \[signal\]/);
  });

  it('-v and --version work after global flags', () => {
    for (const args of [['-v'], ['--debug', '--version'], ['--log-format', 'json', '-v']]) {
      const r = berth(args);
      expect(r.status, args.join(' ')).toBe(0);
      expect(r.stdout).toMatch(/^berth version /);
    }
  });

  it('a bad --log-format value is one line; a --root that is a file says so', () => {
    const r = berth(['--log-format', 'yaml', 'list']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('invalid --log-format "yaml": must be one of "text", "json"\n');
    const file = join(tmp, 'a-file');
    writeFileSync(file, '');
    for (const args of [['list'], ['state', 'x'], ['kill', 'x', 'KILL'], ['delete', 'x']]) {
      const f = spawnSync(BERTH, ['--root', file, ...args], { encoding: 'utf8' });
      expect(f.status, args.join(' ')).toBe(1);
      expect(f.stderr).toBe(`--root ${file}: not a directory\n`);
    }
  });

  it("every flag in every command's --help has a description; update shows the -r JSON, kill the signal forms", () => {
    for (const cmd of COMMANDS) {
      const r = berth([cmd, '--help']);
      expect(r.status, cmd).toBe(0);
      // Option and positional lines: the names, then a description before the [type] tags.
      const lines = r.stdout.split('\n').filter((l) => /^ {2}(-|[a-z])/.test(l));
      for (const l of lines) {
        const words = l.replace(/\[[^\]]*\]/g, '').replace(/"[^"]*"/g, '').trim().split(/\s+/);
        const rest = words.filter((w) => !/^-/.test(w) && !/^(id|signal|command|ps-args),?$/.test(w));
        expect(rest.length, `${cmd}: ${l}`).toBeGreaterThan(0);
      }
    }
    expect(berth(['update', '--help']).stdout).toMatch(/"memory": \{ "limit": \d+/);
    expect(berth(['kill', '--help']).stdout).toMatch(/SIGKILL.*RTMIN\+3/s);
  });
});
