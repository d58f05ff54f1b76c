#!/usr/bin/env node
// Runs the OCI runtime-tools validation suite (validation/*/*.t) against bin/berth and, side by
// side in the same run, against runc. Prints each test file's verdict per runtime and the totals.
//
//   RUNTIME_TOOLS_SRC=/path/to/runtime-tools node conformance/runtime-tools.mjs [options] [NAME...]
//     --runtime name=path   a runtime to run (repeatable; default: berth=bin/berth, runc=runc)
//     --timeout SECONDS     per test file (default 120)
//     --log DIR             keep each file's TAP output as DIR/<runtime>/<test>.tap
//     --json FILE           write the verdicts as JSON
//     NAME...               only these test files (e.g. state kill linux_sysctl)
//
// The checkout must be built (`make runtimetest validation-executables`); see
// conformance/README.md. Without RUNTIME_TOOLS_SRC the runner says how to get it and exits 0
// (CI has no network, so it cannot fetch one).
//
// Each runtime gets a wrapper that adds `--root <temp dir>`: the suite calls the runtime without
// --root, and neither runtime's default state dir is touched. The test programs get a TMPDIR of
// their own, emptied (and unmounted) after each file: they leave bundles there. Runtimes run one after the other,
// never at once: the cgroup tests of both use the same absolute cgroup path (/cgrouptest).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, chmodSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseRunnerArgs, resolveRuntimes } from './lib/runner-args.mjs';

const REPO = resolve(new URL('..', import.meta.url).pathname);

function usage(msg) {
  if (msg) console.error(`runtime-tools: ${msg}`);
  console.error('usage: RUNTIME_TOOLS_SRC=DIR node conformance/runtime-tools.mjs [--runtime name=path]... [--timeout S] [--log DIR] [--json FILE] [TEST...]');
  process.exit(2);
}

const opts = parseRunnerArgs(process.argv.slice(2), { timeout: 120 }, usage);

const HOWTO = `runtime-tools: RUNTIME_TOOLS_SRC is not set or not a built checkout; skipping the OCI runtime-tools suite.
  To run it (needs network once, Go >= 1.19: Debian's golang-go):
    git clone https://github.com/opencontainers/runtime-tools /work/runtime-tools
    cd /work/runtime-tools && git checkout 260e151
    GOFLAGS=-mod=vendor make runtimetest validation-executables
    RUNTIME_TOOLS_SRC=/work/runtime-tools npm run conformance:runtime-tools
  (260e151 is the last commit that builds offline with Go 1.19 from its vendor/.)`;

const src = process.env.RUNTIME_TOOLS_SRC ? resolve(process.env.RUNTIME_TOOLS_SRC) : '';
if (!src || !existsSync(join(src, 'runtimetest')) || !existsSync(join(src, 'validation'))) {
  console.log(HOWTO);
  if (src) console.log(`  (${src}: ${existsSync(src) ? 'no runtimetest or validation/ there: not built?' : 'does not exist'})`);
  process.exit(0);
}
if (process.getuid?.() !== 0) {
  console.log('runtime-tools: not root; the suite runs real containers. Skipping.');
  process.exit(0);
}

resolveRuntimes(opts, REPO, 'runtime-tools', usage);

const tests = readdirSync(join(src, 'validation'))
  .filter((d) => existsSync(join(src, 'validation', d, `${d}.t`)))
  .filter((d) => opts.only.length === 0 || opts.only.includes(d))
  .sort();
if (tests.length === 0) usage('no validation/*/*.t files (build them, or check the names given)');

/**
 * Parse TAP. A validation program may print several TAP documents (one per `TAP version`
 * line); each has its own plan. Counts ok / not ok / skip over all of them, and notes a
 * document whose tests did not match its plan, or that planned nothing (`1..0`) after a YAML
 * diagnostic with an "error": that is how these programs report a failure before any test.
 */
export function parseTap(text) {
  let ok = 0, notOk = 0, skip = 0, todo = 0, bailout = false;
  const failures = [];
  const docs = [];
  let doc = null;
  const newDoc = () => { doc = { plan: -1, ran: 0, error: false }; docs.push(doc); };
  for (const line of text.split('\n')) {
    let m;
    if (/^TAP version/.test(line) || !doc) newDoc();
    if (/^TAP version/.test(line)) continue;
    if ((m = /^1\.\.(\d+)/.exec(line))) doc.plan = Number(m[1]);
    else if ((m = /^(not )?ok\b\s*\d*\s*-?\s*(.*)$/.exec(line))) {
      doc.ran++;
      const directive = /#\s*(SKIP|TODO)\b/i.exec(m[2]);
      if (directive?.[1].toUpperCase() === 'SKIP') skip++;
      else if (directive?.[1].toUpperCase() === 'TODO') todo++;
      else if (m[1]) { notOk++; failures.push(m[2].trim()); }
      else ok++;
    } else if (/^Bail out!/.test(line)) bailout = true;
    else if (/^\s+"error":/.test(line) && doc.ran === 0) doc.error = true;
  }
  const badDocs = docs.filter((d) => (d.plan >= 0 && d.ran !== d.plan) || (d.ran === 0 && d.error)).length;
  return { ok, notOk, skip, todo, bailout, badDocs, failures };
}

/**
 * A file's verdict, the same rule for every runtime: "not ok" on a timeout, a non-zero exit, a
 * bail out, a failed test or a bad document (above); "skip" when it ran only skipped tests;
 * else "ok" (some programs, like process_rlimits_fail, report only through their exit status).
 */
export function verdict(tap, code, timedOut) {
  if (timedOut || code !== 0 || tap.bailout || tap.notOk > 0 || tap.badDocs > 0) return 'not ok';
  if (tap.ok === 0 && tap.skip > 0) return 'skip';
  return 'ok';
}

/** The test program running now, to stop on an interrupt. */
let current = null;

function runOne(test, rt) {
  return new Promise((resolveP) => {
    const child = spawn(join(src, 'validation', test, `${test}.t`), [], {
      cwd: src,
      env: { ...process.env, RUNTIME: rt.wrapper, TMPDIR: rt.tmp },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => { out += d; });
    child.stderr.on('data', (d) => { err += d; });
    current = child;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      try { process.kill(-child.pid, 'SIGKILL'); } catch { /* gone */ }
    }, opts.timeout * 1000);
    const t0 = Date.now();
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolveP({ out, err, code: code ?? (signal ? 128 : 1), timedOut, ms: Date.now() - t0 });
    });
  });
}

/**
 * What a test program left in its TMPDIR (its bundles, ocitest*): mounts first (deepest first;
 * a config without a mount namespace makes runc mount the rootfs, /proc and /dev in ours),
 * then the files.
 */
function cleanupTmp(rt) {
  const mounts = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter(Boolean)
    .map((l) => l.split(' ')[4]).filter((m) => m.startsWith(`${rt.tmp}/`))
    .sort((a, b) => b.length - a.length);
  for (const m of mounts) spawnSync('umount', ['-l', m], { stdio: 'ignore' });
  rmSync(rt.tmp, { recursive: true, force: true });
  mkdirSync(rt.tmp, { mode: 0o755 });
  return mounts.length;
}

/** Containers a test left behind in the wrapper's state root: force-delete them. */
function cleanupRoot(rt) {
  let ids = [];
  try { ids = readdirSync(rt.root); } catch { return []; }
  const left = [];
  for (const id of ids) {
    // berth's compiled seccomp filters (.seccomp:cache) are the root's, not a container's.
    if (!statSync(join(rt.root, id)).isDirectory() || id.includes(':')) continue;
    left.push(id);
    spawnSync(rt.path, ['--root', rt.root, 'delete', '--force', id], { stdio: 'ignore', timeout: 30_000 });
  }
  return left;
}

const work = mkdtempSync(join(tmpdir(), 'berth-rtools-'));
// Reachable by the mapped users of the user-namespace tests, like any dir a bundle lives in.
chmodSync(work, 0o755);
for (const rt of opts.runtimes) {
  rt.root = join(work, `${rt.name}-root`);
  mkdirSync(rt.root, { mode: 0o700 });
  rt.tmp = join(work, `${rt.name}-tmp`);
  mkdirSync(rt.tmp, { mode: 0o755 });
  rt.wrapper = join(work, `${rt.name}-wrapper`);
  writeFileSync(rt.wrapper, `#!/bin/sh\nexec '${rt.path}' --root '${rt.root}' "$@"\n`);
  chmodSync(rt.wrapper, 0o755);
  if (opts.log) mkdirSync(join(opts.log, rt.name), { recursive: true });
}

// Interrupted: stop the running test program, remove what it and the runtimes left, then exit.
for (const sig of ['SIGINT', 'SIGTERM']) {
  process.on(sig, () => {
    if (current) try { process.kill(-current.pid, 'SIGKILL'); } catch { /* gone */ }
    for (const rt of opts.runtimes) { cleanupRoot(rt); cleanupTmp(rt); }
    rmSync(work, { recursive: true, force: true });
    process.exit(130);
  });
}

const rev = spawnSync('git', ['-C', src, 'rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).stdout?.trim() || '?';
console.log(`runtime-tools ${rev} at ${src}: ${tests.length} test files; ${opts.runtimes.map((r) => `${r.name}=${r.path}`).join(', ')}`);

const results = {};
const w = Math.max(...tests.map((t) => t.length));
const col = 22;
console.log(`${'test'.padEnd(w)}  ${opts.runtimes.map((r) => r.name.padEnd(col)).join('')}`);
for (const test of tests) {
  results[test] = {};
  const cells = [];
  for (const rt of opts.runtimes) {
    const r = await runOne(test, rt);
    const tap = parseTap(r.out);
    const v = verdict(tap, r.code, r.timedOut);
    const leftovers = cleanupRoot(rt);
    cleanupTmp(rt);
    results[test][rt.name] = { verdict: v, ok: tap.ok, notOk: tap.notOk, skip: tap.skip, exit: r.code, timedOut: r.timedOut, ms: r.ms, failures: tap.failures, leftovers };
    if (opts.log) writeFileSync(join(opts.log, rt.name, `${test}.tap`), `${r.out}\n# --- stderr (exit ${r.code}${r.timedOut ? ', timed out' : ''}) ---\n${r.err}`);
    cells.push(`${v} (${tap.ok}/${tap.ok + tap.notOk}${tap.skip ? ` s${tap.skip}` : ''})`.padEnd(col));
  }
  const differs = new Set(opts.runtimes.map((rt) => results[test][rt.name].verdict)).size > 1;
  console.log(`${test.padEnd(w)}  ${cells.join('')}${differs ? '  <- differs' : ''}`);
}

console.log('');
const totals = {};
for (const rt of opts.runtimes) {
  const t = { files: tests.length, ok: 0, notOk: 0, skip: 0, assertionsOk: 0, assertionsNotOk: 0 };
  for (const test of tests) {
    const r = results[test][rt.name];
    if (r.verdict === 'ok') t.ok++;
    else if (r.verdict === 'skip') t.skip++;
    else t.notOk++;
    t.assertionsOk += r.ok;
    t.assertionsNotOk += r.notOk;
  }
  totals[rt.name] = t;
  console.log(`${rt.name}: ${t.ok} ok, ${t.notOk} not ok, ${t.skip} skip of ${t.files} test files (assertions: ${t.assertionsOk} ok, ${t.assertionsNotOk} not ok)`);
}
if (opts.json) writeFileSync(opts.json, JSON.stringify({ rev, runtimes: opts.runtimes.map(({ name, path }) => ({ name, path })), totals, results }, null, 2));
rmSync(work, { recursive: true, force: true });
