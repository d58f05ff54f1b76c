#!/usr/bin/env node
// Runs runc's own integration suite (tests/integration/*.bats of runc v1.1.5) with RUNC=bin/berth
// and then with runc, one file after the other, and prints each file's verdict per runtime and
// the tests whose outcome differs.
//
//   RUNC_SRC=/path/to/runc-1.1.5 node conformance/runc-bats.mjs [options] [FILE...]
//     --prepare             make the test images from busybox-static (offline), then run
//     --runtime name=path   a runtime to run (repeatable; default: berth=bin/berth, runc=runc)
//     --timeout SECONDS     per .bats file (default 600)
//     --log DIR             keep each file's TAP output as DIR/<runtime>/<file>.tap
//     --json FILE           write the verdicts as JSON
//     FILE...               only these files (e.g. kill list state.bats)
//
// Without RUNC_SRC (or bats, or the built helpers) it says how to get them and exits 0: CI has no
// network and no checkout. The suite gives each test its own --root ($ROOT/state), so neither
// runtime's default state dir is touched.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseRunnerArgs, resolveRuntimes, which } from './lib/runner-args.mjs';

const REPO = resolve(new URL('..', import.meta.url).pathname);
const HELPERS = ['recvtty', 'sd-helper', 'seccompagent'];
const IMAGES = ['busybox', 'debian'];

function usage(msg) {
  if (msg) console.error(`runc-bats: ${msg}`);
  console.error('usage: RUNC_SRC=DIR node conformance/runc-bats.mjs [--prepare] [--runtime name=path]... [--timeout S] [--log DIR] [--json FILE] [FILE...]');
  process.exit(2);
}

const opts = parseRunnerArgs(process.argv.slice(2), { timeout: 600, flags: { '--prepare': 'prepare' }, name: (w) => w.replace(/\.bats$/, '') }, usage);

const HOWTO = `runc-bats: RUNC_SRC is not set or not a prepared runc v1.1.5 checkout; skipping runc's bats suite.
  To run it (Debian: apt-get install bats jq gawk golang-go busybox-static; network once for the source):
    git clone --branch v1.1.5 https://github.com/opencontainers/runc /work/runc-1.1.5
    cd /work/runc-1.1.5
    for h in ${HELPERS.join(' ')}; do GOFLAGS=-mod=vendor go build -tags seccomp -o contrib/cmd/$h/$h ./contrib/cmd/$h; done
    RUNC_SRC=/work/runc-1.1.5 node conformance/runc-bats.mjs --prepare
  (the helpers build offline from runc's vendor/ with Debian's Go 1.19, libseccomp-dev for
  seccompagent's seccomp tag; --prepare makes the
  busybox and "debian" test images from /bin/busybox, so get-images.sh downloads nothing).`;


const src = process.env.RUNC_SRC ? resolve(process.env.RUNC_SRC) : '';
const suite = join(src, 'tests/integration');
const testdata = join(suite, 'testdata');
const missing = [];
if (!src || !existsSync(join(suite, 'helpers.bash'))) missing.push(src ? `${suite}/helpers.bash` : 'RUNC_SRC');
for (const h of HELPERS) if (src && !existsSync(join(src, 'contrib/cmd', h, h))) missing.push(`contrib/cmd/${h}/${h} (not built)`);
for (const t of ['bats', 'jq', 'gawk', 'go', 'script']) if (!which(t)) missing.push(`${t} (not installed)`);
if (missing.length) {
  console.log(HOWTO);
  console.log(`  (missing: ${missing.join(', ')})`);
  process.exit(0);
}
if (process.getuid?.() !== 0) {
  console.log('runc-bats: not root; the suite runs real containers (its rootless mode is not run here). Skipping.');
  process.exit(0);
}

const goarch = spawnSync('go', ['env', 'GOARCH'], { encoding: 'utf8' }).stdout.trim();
const imagePath = (name) => join(testdata, `${name}-${goarch}.tar.xz`);

/**
 * The test images from busybox-static: a rootfs with /bin/busybox and a link per applet. Debian's
 * `busybox --list` names `busybox` itself: that link would replace the binary with a self-loop.
 */
function prepareImages() {
  const busybox = '/bin/busybox';
  if (!existsSync(busybox)) usage(`--prepare needs ${busybox} (Debian's busybox-static)`);
  const work = mkdtempSync(join(tmpdir(), 'berth-runc-images-'));
  try {
    const rootfs = join(work, 'rootfs');
    // No /proc, /sys or /dev, as in runc's busybox image: the runtimes make the mount points, and
    // mask.bats replaces /proc and /sys with symlinks (with a dir there, `ln -s` links inside it).
    for (const d of ['bin', 'etc', 'tmp', 'root', 'var', 'run', 'home', 'usr/bin', 'usr/sbin', 'sbin']) mkdirSync(join(rootfs, d), { recursive: true });
    chmodSync(join(rootfs, 'tmp'), 0o1777);
    copyFileSync(busybox, join(rootfs, 'bin/busybox'));
    chmodSync(join(rootfs, 'bin/busybox'), 0o755);
    const applets = spawnSync(busybox, ['--list'], { encoding: 'utf8' }).stdout.split('\n').filter((a) => a && a !== 'busybox');
    for (const a of applets) symlinkSync('busybox', join(rootfs, 'bin', a));
    writeFileSync(join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n');
    writeFileSync(join(rootfs, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\n');
    mkdirSync(testdata, { recursive: true });
    for (const name of IMAGES) {
      const r = spawnSync('tar', ['-C', rootfs, '-cJf', imagePath(name), '.'], { stdio: 'inherit' });
      if (r.status !== 0) usage(`tar of the ${name} image failed`);
      console.log(`runc-bats: made ${imagePath(name)} from ${busybox} (${applets.length} applets)`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
if (opts.prepare) prepareImages();
const noImages = IMAGES.filter((n) => !existsSync(imagePath(n)));
if (noImages.length) {
  console.log(`runc-bats: no test image ${noImages.map(imagePath).join(', ')}: run with --prepare (offline, from busybox-static).`);
  process.exit(0);
}

for (const rt of resolveRuntimes(opts, REPO, 'runc-bats', usage)) {
  if (opts.log) mkdirSync(join(opts.log, rt.name), { recursive: true });
}

const files = readdirSync(suite)
  .filter((f) => f.endsWith('.bats'))
  .map((f) => f.replace(/\.bats$/, ''))
  .filter((f) => opts.only.length === 0 || opts.only.includes(f))
  .sort();
if (files.length === 0) usage('no such .bats files');

/** bats --tap output: each test's name and outcome ("ok", "not ok", "skip"). */
export function parseBatsTap(text) {
  const tests = [];
  for (const line of text.split('\n')) {
    const m = /^(not )?ok \d+ (.*)$/.exec(line);
    if (!m) continue;
    const skip = /\s# skip\b/i.exec(m[2]);
    tests.push({ name: (skip ? m[2].slice(0, skip.index) : m[2]).trim(), outcome: skip ? 'skip' : m[1] ? 'not ok' : 'ok' });
  }
  return tests;
}

/**
 * Stop script(1) and what runs under it: bats runs in a session of its own on the pty, so its
 * process group (led by script's child) is killed besides script's.
 */
function killTree(pid) {
  for (const p of readdirSync('/proc').filter((x) => /^\d+$/.test(x))) {
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) process.kill(-Number(p), 'SIGKILL');
    } catch { /* gone, or not a group leader */ }
  }
  try { process.kill(-pid, 'SIGKILL'); } catch { /* gone */ }
}

/** The .bats file running now, to stop on an interrupt. */
let current = null;

/**
 * Containers a test left in the state roots under tmp (its $ROOT/state, when a teardown did not
 * run): force-delete them with the runtime that made them, then remove tmp.
 */
function cleanupTmp(rt, tmp) {
  const left = [];
  const walk = (dir, depth) => {
    let entries;
    try { entries = readdirSync(dir, { withFileTypes: true }); } catch { return; }
    for (const e of entries) {
      if (!e.isDirectory()) continue;
      const p = join(dir, e.name);
      if (e.name === 'state') {
        for (const id of readdirSync(p)) {
          left.push(id);
          spawnSync(rt.path, ['--root', p, 'delete', '--force', id], { stdio: 'ignore', timeout: 30_000 });
        }
      } else if (depth < 4) walk(p, depth + 1);
    }
  };
  walk(tmp, 0);
  rmSync(tmp, { recursive: true, force: true });
  return left;
}

function runFile(file, rt, tmp) {
  return new Promise((resolveP) => {
    // Under a pty (script(1)): the suite's `runc run` of a terminal process needs a controlling
    // terminal, as in runc's CI.
    const child = spawn('script', ['-q', '-e', '-c', `bats --tap '${join(suite, `${file}.bats`)}'`, '/dev/null'], {
      cwd: suite,
      // RUNC is what helpers.bash calls (with --root $ROOT/state); the helpers are found in src.
      env: { ...process.env, RUNC: rt.path, TMPDIR: tmp, BATS_TMPDIR: tmp },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    current = { child, rt, tmp };
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killTree(child.pid);
    }, opts.timeout * 1000);
    child.on('close', (code) => {
      clearTimeout(timer);
      current = null;
      resolveP({ out: out.replace(/\r\n/g, '\n'), err, code: code ?? 1, timedOut });
    });
  });
}

for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (current) {
      killTree(current.child.pid);
      cleanupTmp(current.rt, current.tmp);
    }
    process.exit(130);
  });
}

console.log(`runc-bats: ${files.length} files of ${suite}; ${opts.runtimes.map((r) => `${r.name}=${r.path}`).join(', ')}`);
const results = {};
const w = Math.max(...files.map((f) => f.length));
const col = 24;
console.log(`${'file'.padEnd(w)}  ${opts.runtimes.map((r) => r.name.padEnd(col)).join('')}`);
for (const file of files) {
  results[file] = {};
  const cells = [];
  for (const rt of opts.runtimes) {
    const tmp = mkdtempSync(join(tmpdir(), `berth-bats-${rt.name}-`));
    chmodSync(tmp, 0o755);
    const r = await runFile(file, rt, tmp);
    const leftovers = cleanupTmp(rt, tmp);
    const tests = parseBatsTap(r.out);
    const count = (o) => tests.filter((t) => t.outcome === o).length;
    const verdict = r.timedOut || count('not ok') > 0 || (r.code !== 0 && tests.length === 0) ? 'not ok' : 'ok';
    results[file][rt.name] = { verdict, ok: count('ok'), notOk: count('not ok'), skip: count('skip'), timedOut: r.timedOut, leftovers, tests };
    if (opts.log) writeFileSync(join(opts.log, rt.name, `${file}.tap`), `${r.out}\n# --- stderr (exit ${r.code}${r.timedOut ? ', timed out' : ''}) ---\n${r.err}`);
    cells.push(`${verdict} (${count('ok')}/${count('ok') + count('not ok')}${count('skip') ? ` s${count('skip')}` : ''}${r.timedOut ? ' T' : ''})`.padEnd(col));
  }
  const differs = new Set(opts.runtimes.map((rt) => JSON.stringify(results[file][rt.name].tests.map((t) => t.outcome)))).size > 1;
  console.log(`${file.padEnd(w)}  ${cells.join('')}${differs ? '  <- differs' : ''}`);
}

// The tests whose outcome is not the same for every runtime.
if (opts.runtimes.length > 1) {
  console.log('\ndifferences (test: outcome per runtime)');
  let n = 0;
  for (const file of files) {
    const names = [...new Set(opts.runtimes.flatMap((rt) => results[file][rt.name].tests.map((t) => t.name)))];
    for (const name of names) {
      const outcomes = opts.runtimes.map((rt) => results[file][rt.name].tests.find((t) => t.name === name)?.outcome ?? 'not run');
      if (new Set(outcomes).size === 1) continue;
      n++;
      console.log(`  ${file}: ${name}: ${opts.runtimes.map((rt, i) => `${rt.name} ${outcomes[i]}`).join(', ')}`);
    }
  }
  if (n === 0) console.log('  none');
}

console.log('');
const totals = {};
for (const rt of opts.runtimes) {
  const t = { files: files.length, ok: 0, notOk: 0, tests: 0, testsOk: 0, testsNotOk: 0, testsSkip: 0 };
  for (const file of files) {
    const r = results[file][rt.name];
    if (r.verdict === 'ok') t.ok++;
    else t.notOk++;
    t.testsOk += r.ok;
    t.testsNotOk += r.notOk;
    t.testsSkip += r.skip;
  }
  totals[rt.name] = t;
  console.log(`${rt.name}: ${t.ok} ok, ${t.notOk} not ok of ${t.files} files (tests: ${t.testsOk} ok, ${t.testsNotOk} not ok, ${t.testsSkip} skip)`);
}
if (opts.json) writeFileSync(opts.json, JSON.stringify({ runtimes: opts.runtimes.map(({ name, path }) => ({ name, path })), totals, results }, null, 2));
