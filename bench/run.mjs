// berth beside runc and crun in one run (`npm run bench`, as root): start-up, the lifecycle
// calls, exec, concurrency, a root with many containers, memory, and containerd's view, as one
// markdown table with berth/runc for each berth column. Progress goes to stderr, the table to
// stdout. Everything made here (temp dirs, bundles, state roots, containers, cgroups, the
// private containerd) is removed at the end, on failure and on SIGINT/SIGTERM too.
// Flags: node bench/run.mjs --help (bench/lib/args.mjs). Speed targets live here, never in tests.
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, rmdirSync } from 'node:fs';
import { cpus, release, tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPO, parseArgs } from './lib/args.mjs';
import { BUSYBOX, Bundles } from './lib/bundles.mjs';
import { CTD_PARENT, PARENT, PODMAN_PARENT, layout, removeParent } from './lib/cgroups.mjs';
import { cadenceRowNames, cadenceRows } from './lib/cadence.mjs';
import { podmanRow, podmanRows } from './lib/podman.mjs';
import { Aborted, cleanupAll, onCleanup } from './lib/cleanup.mjs';
import { FLOOR, MISSING, VERSION, cliRows } from './lib/cli.mjs';
import { engineRow, engineRows } from './lib/engine.mjs';
import { ROWS, lifecycleRows } from './lib/lifecycle.mjs';
import { closeOutput, runSync } from './lib/proc.mjs';
import { Results } from './lib/results.mjs';
import { columns, settleCrun } from './lib/runtimes.mjs';
import { concurrentRow, concurrentRows, listRow, manyRows, stateRow } from './lib/scale.mjs';
import { markdown } from './lib/table.mjs';

function die(msg) {
  console.error(`bench: ${msg}`);
  process.exit(2);
}
let opts;
try {
  opts = parseArgs(process.argv.slice(2));
} catch (e) {
  die(e.message);
}
if (process.getuid() !== 0) die('run as root (it runs real containers)');
if (!existsSync(BUSYBOX)) die(`no ${BUSYBOX} (apt-get install busybox-static)`);

const started = Date.now();
const log = (s) => console.error(`bench [${((Date.now() - started) / 1000).toFixed(0)} s] ${s}`);

// Cleanup steps run last-in first-out: containers and the containerd daemon (registered as they
// are made) go first, then the cgroup parents, the default dirs a runtime may make, the temp dir.
onCleanup('output files', closeOutput);
const tmp = mkdtempSync(join(tmpdir(), 'berth-bench-'));
onCleanup(`temp dir ${tmp}`, () => rmSync(tmp, { recursive: true, force: true }));
const hostDirs = ['/run/mount', '/run/crun', '/run/runc', '/run/berth', '/run/containerd'].filter((d) => !existsSync(d));
onCleanup('host dirs made by a runtime', () => {
  for (const d of hostDirs) if (existsSync(d) && readdirSync(d).length === 0) rmdirSync(d);
});
onCleanup('cgroups', async () => {
  for (const p of [PARENT, CTD_PARENT, PODMAN_PARENT]) {
    const left = await removeParent(p);
    if (left.length) console.error(`bench: cgroup dirs left: ${left.join(' ')}`);
  }
});

const res = new Results();
const on = (s) => !opts.skip.has(s);
// The table's rows in this order (a row no column measured is left out).
for (const [name, unit] of [
  [FLOOR, 'ms'], [VERSION, 'ms'], [MISSING, 'ms'], ...cadenceRowNames(opts.gapMs).map((r) => [r, 'ms']),
  [ROWS.run, 'ms'], [ROWS.create, 'ms'], [ROWS.start, 'ms'],
  [ROWS.state, 'ms'], [ROWS.kill, 'ms'], [ROWS.delete, 'ms'], [ROWS.csd, 'ms'], [ROWS.exec, 'ms'],
  [concurrentRow(opts.concurrent), 'ms'], [listRow(opts.many), 'ms'], [stateRow(opts.many), 'ms'],
  [ROWS.initRss, 'MiB'], [ROWS.createRss, 'MiB'], [ROWS.createRssSeccomp, 'MiB'],
  [engineRow(opts.ctrRuns), 'ms'], [engineRow(opts.ctrRuns, true), 'ms'], [podmanRow(opts.ctrRuns), 'ms'],
]) res.row(name, unit);
try {
  const { cols, missing } = columns(opts, tmp);
  if (!cols.length) throw new Error(`bench: no runtime to run (${missing.join('; ')})`);
  log(`columns: ${cols.map((c) => `${c.label} = ${c.path}`).join(', ')}${missing.length ? `; left out: ${missing.join('; ')}` : ''}`);
  const bundles = new Bundles(tmp, [...cols.filter((c) => c.berth), ...cols.filter((c) => !c.berth)].map((c) => c.argv([])));
  log(`default config from ${bundles.specBy} spec`);
  const runs = opts.runs;
  const profile = JSON.parse(readFileSync(opts.profile, 'utf8'));
  for (const col of cols.filter((c) => c.key === 'crun')) {
    settleCrun(col, bundles, tmp);
    log(`crun column: ${col.wrapperCost ? 'through the unshare + umount wrapper (it refuses this hybrid host)' : 'as given'}`);
  }

  if (on('cli')) {
    log('start-up rows');
    await cliRows(res, cols, tmp, runs);
  }
  for (const col of cols) {
    if (on('cadence')) {
      log(`${col.key}: create, run, exec: bare and with the default seccomp profile, engine cadence and tight loop`);
      await cadenceRows(res, col, tmp, bundles, { runs, gapMs: opts.gapMs, profile });
    }
    if (on('lifecycle')) {
      log(`${col.key}: lifecycle rows`);
      await lifecycleRows(res, col, tmp, bundles, runs, profile);
    }
    if (on('concurrent')) {
      log(`${col.key}: ${opts.concurrent} concurrent creates`);
      await concurrentRows(res, col, tmp, bundles, opts.concurrent, Math.min(3, runs));
    }
    if (on('many')) {
      log(`${col.key}: ${opts.many} containers in the root`);
      await manyRows(res, col, tmp, bundles, opts.many, Math.min(10, runs));
    }
  }
  if (on('engine')) {
    log('containerd rows');
    await engineRows(res, cols, tmp, bundles.rootfs, opts.ctrRuns);
  }
  if (on('podman')) {
    log('Podman rows');
    await podmanRows(res, cols, tmp, bundles.rootfs, opts.ctrRuns);
  }

  const secs = ((Date.now() - started) / 1000).toFixed(0);
  const ctd = (() => {
    try {
      return runSync(['containerd', '--version'], { capture: true }).match(/\d+\.\d+\.\d+/)?.[0];
    } catch {
      return undefined;
    }
  })();
  const out = [
    `Measured with \`npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}\` (${runs} runs per row, medians), ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC: ` +
      `Linux ${release()}, ${layout()}, ${cpus().length} CPUs; the whole run took ${secs} s.`,
    '',
    markdown(res, cols, { noRatio: new Set([FLOOR]), ratios: opts.ratios }),
    '',
    ...[
      cols.some((c) => c.wrapperCost) &&
        'This crun refuses this cgroup v1 hybrid host, so its column runs `unshare -m sh -c \'umount -n /sys/fs/cgroup/unified; exec crun "$@"\'` (a private mount namespace without the cgroup2 mount); every crun cell includes that wrapper (its cost alone is the first row).',
      `Each container has its own bundle config (the default \`spec\` of ${bundles.specBy.replace(`${REPO}/`, '')}, ociVersion 1.0.2 for crun 1.8) over one read-only busybox-static rootfs and its own relative cgroupsPath under the bench's parent; "bare": no linux.seccomp.`,
      (on('concurrent') || on('many')) && `The ${opts.concurrent} concurrent creates: median of ${Math.min(3, runs)} rounds; the ${opts.many}-container root: real containers waiting in \`created\`, made two at a time before the timed \`list\`/\`state\` (of one of them) and deleted after.`,
      on('cadence') && `Engine cadence: ${opts.gapMs / 1000} s idle before each timed call (as an engine calls the runtime between its own work); tight loop: one call after the other. On cgroup v1 the first cgroup.procs write after a pause waits 7-20 ms in the kernel, which a tight loop does not see. A \`create\` is deleted (untimed) before the next; \`exec\` goes into one running container per row. The seccomp rows use ${opts.profile.replace(`${REPO}/`, '')} (about 350 rules, as Docker's); berth compiles it on a profile's first \`create\` under a root and loads it from its compiled-filter cache after that (docs/SECCOMP.md), crun likewise, runc compiles it every time.`,
      on('lifecycle') && 'Peak RSS of `create`: GNU time\'s %M (max RSS of the runtime process; the container\'s init is not counted); the seccomp row\'s median is of cache hits for berth.',
      on('podman') && 'Podman: a private instance (storage, run root, config in the temp dir; cgroupfs; no network), `--runtime` per column, its default seccomp profile, one warm-up run not counted; the runtime\'s state root is its default under /run.',
      !opts.ratios && 'No ratios: this host is emulated (or asked for none); the run checks that every row runs.',
      on('engine') && `${ctd ? `containerd ${ctd}` : 'containerd'}: a private instance (temp root, state and socket), \`--runc-binary\` per column${cols.some((c) => c.wrapperCost) ? ' (crun: a script running its wrapper)' : ''}, bare and with \`--seccomp\` (containerd's default profile), one warm-up run not counted.`,
      ...missing.map((m) => `Left out: ${m.replace(`${REPO}/`, '')}.`),
      ...res.notes.map((n, i) => `[${i + 1}] ${n}`),
    ].filter(Boolean).map((l) => `- ${l}`),
  ];
  console.log(out.join('\n'));
  // A berth cell that could not be measured is a berth bug: the run says so by its exit status.
  const berthFailed = cols.filter((c) => (c.berth || opts.check) && res.failedCols.has(c.key));
  if (berthFailed.length) {
    console.error(`bench: ${berthFailed.map((c) => c.label).join(', ')}: some rows failed (notes under the table)`);
    process.exitCode = 1;
  }
} catch (e) {
  console.error(e instanceof Aborted ? `bench: ${e.message}` : e.stack ?? String(e));
  process.exitCode ||= 1;
} finally {
  log('cleaning up');
  await cleanupAll();
}
