import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { zshCompleteAll } from '../helpers/zsh-complete.js';
import { REPO, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../helpers/bundle.js';

/**
 * The Debian package as an operator uses it (README "Install"): made by `npm run package`'s
 * script from this build, checked with lintian, installed with dpkg into a scratch root (its own
 * dpkg database, with the host's libc6 recorded as installed, so Depends is checked for real),
 * then berth from there: --version, check, a container, every man page with `man -l`, bash
 * completion of a container id through bash-completion's loader, zsh's compinit; then removed
 * (purged), leaving nothing but the empty database.
 */
const haveTools = ['dpkg-deb', 'dpkg-shlibdeps', 'man', 'bash', 'zsh', 'lintian'].every((t) => spawnSync('sh', ['-c', `command -v ${t}`]).status === 0);
const run = isRoot() && haveBuild() && existsSync(join(REPO, 'dist/share')) && haveTools ? describe : describe.skip;

const sh = (cmd: string, args: string[], opts: { env?: Record<string, string> } = {}) =>
  spawnSync(cmd, args, { encoding: 'utf8', env: { ...process.env, ...opts.env }, timeout: 120_000 });

/** A command that leaves a container running: its output through a file (a pipe would stay open). */
function detached(cmd: string, args: string[], dir: string): { status: number | null; output: string } {
  const file = join(dir, `out-${Date.now()}`);
  const fd = openSync(file, 'w');
  try {
    const r = spawnSync(cmd, args, { stdio: ['ignore', fd, fd], timeout: 120_000 });
    return { status: r.status, output: readFileSync(file, 'utf8') };
  } finally {
    closeSync(fd);
  }
}

let lintianPid: number | undefined;
/** lintian's E: and W: lines and its status, run beside the other tests (it takes ~1 minute). */
function lintian(deb: string): Promise<{ tags: string[]; status: number | null; output: string }> {
  return new Promise((resolve) => {
    const p = spawn('lintian', ['--tag-display-limit', '0', '--fail-on', 'error,warning', deb], { stdio: ['ignore', 'pipe', 'pipe'] });
    lintianPid = p.pid;
    let output = '';
    p.stdout.on('data', (d) => (output += d));
    p.stderr.on('data', (d) => (output += d));
    p.on('close', (status) => {
      lintianPid = undefined;
      resolve({ tags: output.split('\n').filter((l) => /^[EW]: /.test(l)), status, output });
    });
  });
}

/** Every path under dir, relative, sorted. */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      out.push(relative(dir, p));
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out.sort();
}

run('the Debian package', () => {
  let work: string;
  let deb: string;
  let scratch: string;
  let dbOnly: string[];
  let lint: ReturnType<typeof lintian>;
  const bundles: TestBundle[] = [];
  const berthIn = () => join(scratch, 'usr/bin/berth');

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'berth-deb-test-'));
    const made = sh(join(REPO, 'node_modules/.bin/node'), [join(REPO, 'scripts/package-deb.mjs'), '--out', work]);
    expect(made.status, made.stderr).toBe(0);
    deb = join(work, readdirSync(work).find((f) => f.endsWith('.deb'))!);
    lint = lintian(deb);
    // A scratch root with an empty dpkg database that knows the host's libc6 (the one Depends).
    scratch = join(work, 'root');
    for (const d of ['var/lib/dpkg/info', 'var/lib/dpkg/updates', 'var/lib/dpkg/triggers']) mkdirSync(join(scratch, d), { recursive: true });
    const libc = sh('dpkg-query', ['-s', 'libc6']).stdout;
    writeFileSync(join(scratch, 'var/lib/dpkg/status'), `${libc.trim()}\n\n`);
    writeFileSync(join(scratch, 'var/lib/dpkg/available'), '');
    dbOnly = tree(scratch);
  }, 180_000);

  afterAll(() => {
    if (lintianPid) process.kill(lintianPid); // a failed run does not wait for it
    for (const b of bundles) b.cleanup();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('has the fields and files an operator expects', () => {
    const info = sh('dpkg-deb', ['--field', deb]).stdout;
    const { commit } = JSON.parse(readFileSync(join(REPO, 'dist/build-info.json'), 'utf8'));
    const version = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')).version;
    expect(info).toMatch(new RegExp(`^Version: ${version}\\+git${commit.replace('-dirty', '.dirty').replace(/\./g, '\\.')}$`, 'm'));
    expect(info).toMatch(/^Depends: libc6 \(>= 2\.\d+\)$/m);
    expect(info).toMatch(/^Suggests: criu, uidmap$/m);
    const files = sh('dpkg-deb', ['--contents', deb]).stdout;
    for (const f of ['./usr/bin/berth', './usr/share/man/man8/berth.8.gz', './usr/share/man/man8/berth-create.8.gz', './usr/share/bash-completion/completions/berth', './usr/share/zsh/vendor-completions/_berth', './usr/share/doc/berth/README.md.gz', './usr/share/doc/berth/copyright', './usr/share/doc/berth/changelog.gz']) {
      expect(files).toContain(f);
    }
  });

  it('installs with dpkg, runs --version, check and a container, and man and completion work from it', () => {
    const inst = sh('dpkg', [`--root=${scratch}`, '--install', deb]);
    expect(inst.status, inst.stderr).toBe(0);
    expect(sh('dpkg-query', [`--root=${scratch}`, '-W', '-f', '${Status}', 'berth']).stdout).toBe('install ok installed');

    const version = sh(berthIn(), ['--version']);
    expect(version.status).toBe(0);
    const { commit } = JSON.parse(readFileSync(join(REPO, 'dist/build-info.json'), 'utf8'));
    expect(version.stdout).toContain(`commit: ${commit}`);

    // check: the installed berth sees the host as the checkout's does.
    const check = sh(berthIn(), ['check']);
    const here = sh(join(REPO, 'bin/berth'), ['check']);
    expect(check.status).toBe(here.status);
    expect(check.stdout.split('\n')[0]).toBe(here.stdout.split('\n')[0]);

    const b = makeBundle(['echo', 'hello from the package']);
    bundles.push(b);
    const ran = sh(berthIn(), ['--root', b.root, 'run', '--bundle', b.dir, uniqueId('deb')]);
    expect(ran.stderr).toBe('');
    expect(ran.stdout).toBe('hello from the package\n');
    expect(ran.status).toBe(0);

    // Every command's page, found by name under the scratch root's MANPATH and readable.
    const flagsOf = (text: string) => new Set([...text.matchAll(/^\s+(?:-\w, )?(--[\w-]+)/gm)].map((m) => m[1]!));
    const help = sh(berthIn(), ['--help']).stdout;
    const globals = flagsOf(help);
    const commands = [...help.matchAll(/^\s+berth (\w+)/gm)].map((m) => m[1]!);
    expect(commands.length).toBeGreaterThan(10);
    for (const page of ['berth', ...commands.map((c) => `berth-${c}`)]) {
      const where = sh('man', ['-w', page], { env: { MANPATH: join(scratch, 'usr/share/man') } });
      expect(where.stdout.trim(), page).toBe(join(scratch, `usr/share/man/man8/${page}.8.gz`));
      const shown = sh('man', ['--warnings', '-l', where.stdout.trim()], { env: { MANWIDTH: '100', LC_ALL: 'C.UTF-8' } });
      expect(shown.stderr, page).toBe('');
      expect(shown.stdout, page).toMatch(new RegExp(`^NAME\\n\\s+${page}\\s+- `, 'm'));
      // The installed page has every flag the installed berth's --help lists.
      if (page !== 'berth') {
        const flags = [...flagsOf(sh(berthIn(), [page.slice(6), '--help']).stdout)].filter((f) => !globals.has(f) || f === '--help');
        expect(flags, page).toContain('--help');
        for (const f of flags) expect(shown.stdout, `${page} ${f}`).toContain(f);
      }
    }
  }, 120_000);

  it('completes a container id in bash (bash-completion finds the installed script) and in zsh', () => {
    const b = makeBundle(['sleep', '300']);
    bundles.push(b);
    const id = uniqueId('complete');
    const created = detached(berthIn(), ['--root', b.root, 'create', '--bundle', b.dir, id], work);
    expect(created.status, created.output).toBe(0);
    // An interactive bash as a user has it: bash-completion loaded, berth on PATH, the script
    // found by bash-completion's loader under XDG_DATA_DIRS (here the scratch root's /usr/share).
    const complete = (words: string[]) => {
      const script = `source /usr/share/bash-completion/bash_completion
__load_completion berth || exit 9
complete -p berth
COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=$((\${#COMP_WORDS[@]} - 1)); COMP_LINE="\${COMP_WORDS[*]}"; COMP_POINT=\${#COMP_LINE}
_berth
echo "compgen:"; printf '%s\\n' "\${COMPREPLY[@]}"`;
      const r = sh('bash', ['-ic', script], { env: { PATH: `${join(scratch, 'usr/bin')}:${process.env.PATH}`, XDG_DATA_DIRS: join(scratch, 'usr/share'), HOME: work } });
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('complete -F _berth berth');
      return r.stdout.split('compgen:\n')[1]!.split('\n').filter(Boolean);
    };
    expect(complete(['berth', '--root', b.root, 'start', ''])).toEqual([id]);
    expect(complete(['berth', `--root`, '=', b.root, 'kill', id.slice(0, 6)])).toEqual([id]);
    expect(complete(['berth', '--root', b.root, 'exec', '-t', id.slice(0, 6)])).toEqual([id]);
    expect(complete(['berth', '--root', join(work, 'empty-root'), 'delete', ''])).toEqual([]);

    // zsh: TAB on a pty, the installed berth on PATH and its completion in fpath.
    const fpath = join(scratch, 'usr/share/zsh/vendor-completions');
    const env = { PATH: `${join(scratch, 'usr/bin')}:${process.env.PATH}` };
    const lines = [`berth --root ${b.root} start `, `berth --root=${b.root} kill ${id.slice(0, 6)}`, `berth --root ${b.root} kill ${id} SIGKI`];
    expect(zshCompleteAll(fpath, lines, env)).toEqual([[id], [id], ['SIGKILL']]);
    expect(sh(berthIn(), ['--root', b.root, 'delete', '--force', id]).status).toBe(0);
  }, 60_000);

  it('is removed with dpkg --purge, leaving nothing but the empty database', () => {
    const purge = sh('dpkg', [`--root=${scratch}`, '--purge', 'berth']);
    expect(purge.status, purge.stderr).toBe(0);
    const left = tree(scratch).filter((p) => !p.startsWith('var/lib/dpkg/'));
    expect(left).toEqual(dbOnly.filter((p) => !p.startsWith('var/lib/dpkg/')));
    expect(readdirSync(join(scratch, 'var/lib/dpkg/info')).filter((f) => f.startsWith('berth'))).toEqual([]);
    expect(sh('dpkg-query', [`--root=${scratch}`, '-W', 'berth']).status).not.toBe(0);
  }, 60_000);

  it('lintian reports no error or warning beyond the explained overrides', async () => {
    const { tags, status, output } = await lint;
    expect(tags).toEqual([]);
    expect(status, output).toBe(0);
  }, 240_000);
});
