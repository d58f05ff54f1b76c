import { describe, it, expect } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { cliModel, extraCommandWords, recordCli, type FlagModel } from '../../src/cli/model.js';
import { COMMAND_NAMES } from '../../src/cli/yargs.js';
import { COMMANDS as FAST_COMMANDS, GLOBAL as FAST_GLOBAL } from '../../src/cli/fast-path.js';
import { parseSignal } from '../../src/cli/signals.js';
import { BERTH_VERSION } from '../../src/version.js';
import { generatedFiles, BASH_COMPLETION, ZSH_COMPLETION, MAN_DIR } from '../../src/install/generate.js';
import { roffText } from '../../src/install/roff.js';
import { signalNames, spellings } from '../../src/install/completion-words.js';
import { zshCompleteAll } from '../helpers/zsh-complete.js';

/**
 * The man pages and completions are made from the yargs definitions (src/cli/model.ts): every
 * flag has a description and shows up in its page and in both completions, the pages are
 * warning-free roff, and what the build put in dist/share/ is what the definitions make now.
 */
const REPO = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const model = cliModel();
const meta = { version: BERTH_VERSION, date: '2026-01-01' };
const files = generatedFiles(meta);
const everyCommand = [{ name: '', flags: model.globals }, ...model.commands];

function withFiles<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'berth-docs-'));
  try {
    for (const [path, text] of files) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('the command-line model', () => {
  it('has every command buildCli defines and runYargs takes', () => {
    const words = model.commands.flatMap((c) => [c.name, ...c.aliases]);
    expect([...words, ...extraCommandWords(model)].sort()).toEqual([...COMMAND_NAMES].sort());
    expect(extraCommandWords(model)).toEqual(['help']);
    expect(model.commands.find((c) => c.name === 'list')?.aliases).toEqual(['ls']);
    expect(model.globals.map((f) => f.name)).toEqual(expect.arrayContaining(['root', 'log', 'log-format', 'debug', 'systemd-cgroup', 'rootless', 'criu']));
  });

  it('every command, flag and argument has a description', () => {
    const missing: string[] = [];
    for (const c of everyCommand) {
      const where = c.name || '(global)';
      if ('summary' in c && !c.summary.trim()) missing.push(`${where}: the command`);
      for (const f of c.flags) if (!f.describe.trim()) missing.push(`${where} --${f.name}`);
      if ('positionals' in c) for (const p of c.positionals) if (!p.describe.trim()) missing.push(`${where} <${p.name}>`);
    }
    expect(missing).toEqual([]);
  });

  it('the fast path takes no flag that the definitions (and so the docs) lack', () => {
    const known = (flags: FlagModel[]) => new Set(flags.flatMap(spellings));
    const globals = known(model.globals);
    for (const g of [...Object.keys(FAST_GLOBAL.bool), ...Object.keys(FAST_GLOBAL.value)]) expect(globals.has(g), g).toBe(true);
    for (const [name, table] of Object.entries(FAST_COMMANDS)) {
      const c = model.commands.find((m) => m.name === name)!;
      expect(c, name).toBeDefined();
      const mine = known(c.flags);
      for (const f of [...Object.keys(table.bool), ...Object.keys(table.value)]) expect(mine.has(f), `${name} ${f}`).toBe(true);
    }
  });

  it('records flags as yargs parses them (types, aliases, defaults, repeatable)', () => {
    const create = model.commands.find((c) => c.name === 'create')!;
    expect(create.flags.find((f) => f.name === 'bundle')).toMatchObject({ aliases: ['b'], type: 'string', default: '.' });
    expect(create.flags.find((f) => f.name === 'preserve-fds')).toMatchObject({ type: 'number', default: 0 });
    expect(create.positionals).toEqual([{ name: 'id', describe: 'container id', required: true, variadic: false }]);
    const exec = model.commands.find((c) => c.name === 'exec')!;
    expect(exec.flags.find((f) => f.name === 'env')).toMatchObject({ aliases: ['e'], repeatable: true });
    expect(exec.positionals.map((p) => [p.name, p.required, p.variadic])).toEqual([['id', true, false], ['command', false, true]]);
    expect(model.commands.find((c) => c.name === 'update')!.flags.find((f) => f.name === 'cpu-share')?.aliases).toEqual(['cpu-shares']);
  });

  it('a yargs call the model does not know fails loudly instead of being left out of the docs', () => {
    expect(() => recordCli((y) => y.command('x', 'an x', (s) => s.boolean('quiet').describe('quiet', 'say less')))).toThrow('cli model: yargs .boolean() is not modelled');
    expect(recordCli((y) => y.command('x', 'an x', (s) => s.option('a', { describe: 'a' }).conflicts('a', 'b').check(() => true))).commands[0]!.flags.map((f) => f.name)).toEqual(['a']);
    expect(recordCli((y) => y.command(['x <id>', 'y'], 'an x', (s) => s.option('f', { hidden: true, type: 'boolean' }).positional('id', { describe: 'the id' }))).commands).toEqual([
      { name: 'x', aliases: ['y'], form: 'x <id>', summary: 'an x', flags: [], positionals: [{ name: 'id', describe: 'the id', required: true, variadic: false }] },
    ]);
    expect(recordCli((y) => y.command({ command: 'z [n]', aliases: ['zz'], describe: 'a z', builder: (s: any) => s.option('q', { type: 'boolean', describe: 'quiet' }), handler: () => {} })).commands).toEqual([
      { name: 'z', aliases: ['zz'], form: 'z [n]', summary: 'a z', flags: [{ name: 'q', aliases: [], type: 'boolean', describe: 'quiet', repeatable: false }], positionals: [{ name: 'n', describe: '', required: false, variadic: false }] },
    ]);
  });
});

describe('man pages', () => {
  it('one page per command and berth(8), each flag of the command in it', () => {
    const pages = [...files.keys()].filter((p) => p.startsWith(`${MAN_DIR}/`)).map((p) => p.slice(MAN_DIR.length + 1));
    expect(pages.sort()).toEqual(['berth.8', ...model.commands.map((c) => `berth-${c.name}.8`)].sort());
    for (const c of everyCommand) {
      const page = files.get(`${MAN_DIR}/${c.name ? `berth-${c.name}` : 'berth'}.8`)!;
      for (const f of c.flags) {
        for (const s of spellings(f)) expect(page, `${c.name || 'berth'}: ${s}`).toContain(`\\fB${roffText(s)}\\fR`);
        expect(page).toContain(roffText(f.describe.split('\n')[0]!));
      }
    }
    const main = files.get(`${MAN_DIR}/berth.8`)!;
    for (const s of ['.SH ENVIRONMENT', '.SH EXIT STATUS', '.SH FILES', '.SH ENGINES', 'XDG_RUNTIME_DIR', 'state.json', 'BinaryName']) expect(main).toContain(s);
  });

  it('man --warnings and groff -ww find nothing to warn about', () => {
    withFiles((dir) => {
      for (const path of [...files.keys()].filter((p) => p.startsWith(MAN_DIR))) {
        const file = join(dir, path);
        const man = spawnSync('man', ['--warnings', '-E', 'UTF-8', '-l', file], { encoding: 'utf8', env: { ...process.env, MANWIDTH: '80', MAN_KEEP_FORMATTING: '', LC_ALL: 'C.UTF-8' } });
        expect(man.status, `${path}: ${man.stderr}`).toBe(0);
        expect(man.stderr, path).toBe('');
        expect(man.stdout).toMatch(/^NAME\n/m);
        const groff = spawnSync('groff', ['-ww', '-man', '-z', '-Tutf8', file], { encoding: 'utf8' });
        expect(groff.stderr, path).toBe('');
      }
    });
  });

  it('roff text keeps dashes as minus signs and guards control characters', () => {
    expect(roffText('--root and pre-dump, -1')).toBe('\\-\\-root and pre-dump, \\-1');
    expect(roffText('.hidden\n\'quote')).toBe('\\&.hidden\n\\&\'quote');
    expect(roffText('a\\b')).toBe('a\\eb');
  });
});

/** Run the bash completion for `line` (the cursor at its end) and return the candidates. */
function bashComplete(dir: string, words: string[]): string[] {
  const script = `source ${JSON.stringify(join(dir, BASH_COMPLETION))}
COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); COMP_LINE="\${COMP_WORDS[*]}"; COMP_POINT=\${#COMP_LINE}
_berth; printf '%s\\n' "\${COMPREPLY[@]}"`;
  const r = spawnSync('bash', ['--norc', '--noprofile', '-c', script], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return r.stdout.split('\n').filter(Boolean);
}

describe('bash completion', () => {
  it('completes commands, every flag of every command, and flag values', () => {
    withFiles((dir) => {
      expect(bashComplete(dir, ['berth', 'ch'])).toEqual(['check', 'checkpoint']);
      expect(bashComplete(dir, ['berth', 'help', 'ch'])).toEqual(['check', 'checkpoint']);
      expect(bashComplete(dir, ['berth', ''])).toEqual(expect.arrayContaining(COMMAND_NAMES));
      expect(bashComplete(dir, ['berth', '--'])).toEqual(expect.arrayContaining(model.globals.map((f) => `--${f.name}`)));
      for (const c of model.commands) {
        const offered = bashComplete(dir, ['berth', '--root', '/r', c.name, '-']);
        expect(offered, c.name).toEqual(expect.arrayContaining([...c.flags.flatMap(spellings), '--help']));
      }
      expect(bashComplete(dir, ['berth', '--log-format', ''])).toEqual(['text', 'json']);
      expect(bashComplete(dir, ['berth', '--log-format', '=', 'j'])).toEqual(['json']);
      expect(bashComplete(dir, ['berth', 'list', '-f', ''])).toEqual(['table', 'json']);
      expect(bashComplete(dir, ['berth', 'update', '--memory', ''])).toEqual([]);
      expect(bashComplete(dir, ['berth', 'create', '--bundle', dir.slice(0, -2)])).toContain(dir);
    });
  });

  it('completes signal names for kill that kill accepts, after the id only', () => {
    withFiles((dir) => {
      const names = bashComplete(dir, ['berth', 'kill', 'c1', '']);
      expect(names).toEqual(expect.arrayContaining(['KILL', 'SIGKILL', 'TERM', 'SIGRTMIN']));
      for (const n of names) expect(() => parseSignal(n), n).not.toThrow();
      expect(names.sort()).toEqual(signalNames().sort());
      expect(bashComplete(dir, ['berth', 'kill', '-a', 'c1', 'SIGK'])).toEqual(['SIGKILL']);
      expect(bashComplete(dir, ['berth', 'kill', 'c1', 'KILL', ''])).toEqual([]);
    });
  });
});

describe('zsh completion', () => {
  it('parses, compinit registers it for berth, and TAB offers commands, every long flag, values and signals', () => {
    withFiles((dir) => {
      const fpath = join(dir, dirname(ZSH_COMPLETION));
      expect(spawnSync('zsh', ['-n', join(dir, ZSH_COMPLETION)], { encoding: 'utf8' }).stderr).toBe('');
      const r = spawnSync('zsh', ['-f', '-c', `fpath=(${fpath} $fpath); autoload -U compinit; compinit -u -D; print -r -- $_comps[berth]`], { encoding: 'utf8' });
      expect(r.stdout.trim()).toBe('_berth');
      // One interactive zsh for all the lines: [line, what it must offer, exactly or at least].
      const cases: [string, string[], 'exactly' | 'contains'][] = [
        ['berth ch', ['check', 'checkpoint'], 'exactly'],
        ['berth help ch', ['check', 'checkpoint'], 'exactly'],
        ['berth --', model.globals.map((f) => `--${f.name}`), 'contains'],
        ...model.commands.map((c): [string, string[], 'contains'] => [`berth ${c.name} --`, c.flags.flatMap(spellings).filter((s) => s.startsWith('--')), 'contains']),
        ['berth --log-format ', ['json', 'text'], 'exactly'],
        ['berth list -f ', ['json', 'table'], 'exactly'],
        ['berth kill c1 SIGK', ['SIGKILL'], 'exactly'],
      ];
      const got = zshCompleteAll(fpath, cases.map(([line]) => line));
      cases.forEach(([line, want, how], i) => {
        if (how === 'exactly') expect(got[i], line).toEqual(want);
        else expect(got[i], line).toEqual(expect.arrayContaining(want));
      });
    });
  }, 60_000);
});

describe('the build output', () => {
  const share = join(REPO, 'dist/share');
  it.skipIf(!existsSync(share))('dist/share/ is what the definitions make now (else the build is out of date)', () => {
    const built = readFileSync(join(share, MAN_DIR, 'berth.8'), 'utf8');
    const date = /^\.TH "BERTH" 8 "([^"]*)"/m.exec(built)?.[1] ?? '';
    const now = generatedFiles({ ...meta, date });
    for (const [path, text] of now) expect(readFileSync(join(share, path), 'utf8'), `dist/share/${path} is out of date: run the build`).toBe(text);
  });
});
