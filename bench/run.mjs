// berth beside runc (and crun where it starts): medians of repeated runs and the berth/runc
// ratio, printed as one table. Usage: npm run bench [-- --runs N]. Root for the lifecycle rows.
import { spawnSync, execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, readFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repo = new URL('..', import.meta.url).pathname;
const argRuns = process.argv.indexOf('--runs');
const RUNS = argRuns > 0 ? Number(process.argv[argRuns + 1]) : 30;
const berth = join(repo, 'bin/berth');

function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : undefined;
}

const runtimes = [['berth', berth], ['runc', which('runc')], ['crun', which('crun')]].filter(([, p]) => p && existsSync(p));

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Time `fn` RUNS times (ms); undefined if the first try fails. */
function timeIt(fn) {
  const xs = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    const ok = fn(i);
    const t1 = process.hrtime.bigint();
    if (!ok) return undefined;
    xs.push(Number(t1 - t0) / 1e6);
  }
  return median(xs);
}

// No pipes: a container left in `created` keeps the runtime's stdio, and spawnSync would wait on it.
const run = (bin, args, okCodes = [0]) => {
  const r = spawnSync(bin, args, { stdio: 'ignore' });
  return okCodes.includes(r.status);
};

const rows = [];
function row(name, unit, values) {
  rows.push({ name, unit, values });
}

const rootFor = (rt) => mkdtempSync(join(tmpdir(), `bench-${rt}-`));

// 1. CLI floor. berth's column of the first row is Node 24 itself (`node -e 0`): every berth
// command pays it, and it varies with the machine (the other rows are best read against it).
row('node -e 0 (berth: Node 24 floor)', 'ms', { berth: timeIt(() => run(process.execPath, ['-e', '0'])) });
row('--version', 'ms', Object.fromEntries(runtimes.map(([n, p]) => [n, timeIt(() => run(p, ['--version']))])));
row('state missing-id', 'ms', Object.fromEntries(runtimes.map(([n, p]) => {
  const root = rootFor(n);
  const v = timeIt(() => run(p, ['--root', root, 'state', 'missing-id'], [1]));
  rmSync(root, { recursive: true, force: true });
  return [n, v];
})));

// 2. Lifecycle, as root with busybox-static.
if (process.getuid() === 0 && existsSync('/bin/busybox') && existsSync(berth)) {
  const bundle = mkdtempSync(join(tmpdir(), 'bench-bundle-'));
  execFileSync(process.execPath, [join(repo, 'scripts/make-bundle.mjs'), bundle, 'true'], { stdio: 'ignore' });
  const cfgPath = join(bundle, 'config.json');
  const cfg = JSON.parse(readFileSync(cfgPath, 'utf8'));
  // No cgroupsPath: each runtime's default (the container id) gives every container its own cgroup.
  const { writeFileSync } = await import('node:fs');
  const sleeping = structuredClone(cfg);
  sleeping.process.args = ['sleep', '1000'];
  const sleepBundle = mkdtempSync(join(tmpdir(), 'bench-bundle-sleep-'));
  writeFileSync(join(sleepBundle, 'config.json'), JSON.stringify({ ...sleeping, root: { path: join(bundle, 'rootfs'), readonly: true } }));
  writeFileSync(cfgPath, JSON.stringify(cfg));
  const life = {};
  const phases = { run: {}, create: {}, start: {}, state: {}, kill: {}, delete: {}, rss: {} };
  for (const [n, p] of runtimes) {
    const root = rootFor(n);
    phases.run[n] = timeIt((i) => run(p, ['--root', root, 'run', '--bundle', bundle, `r${i}`]));
    const per = { create: [], start: [], state: [], kill: [], delete: [] };
    const rss = [];
    let ok = true;
    for (let i = 0; i < Math.min(RUNS, 15) && ok; i++) {
      const id = `l${i}`;
      const t = (args, codes) => {
        const t0 = process.hrtime.bigint();
        const good = run(p, ['--root', root, ...args], codes);
        return good ? Number(process.hrtime.bigint() - t0) / 1e6 : undefined;
      };
      const c = t(['create', '--bundle', sleepBundle, id]);
      if (c === undefined) { ok = false; break; }
      per.create.push(c);
      try {
        const st = JSON.parse(spawnSync(p, ['--root', root, 'state', id], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).stdout);
        const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${st.pid}/status`, 'utf8'));
        if (m) rss.push(Number(m[1]) / 1024);
      } catch { /* no rss */ }
      per.start.push(t(['start', id]));
      per.state.push(t(['state', id]));
      per.kill.push(t(['kill', id, 'KILL']));
      for (let w = 0; w < 200; w++) {
        const st = spawnSync(p, ['--root', root, 'state', id], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
        if (st.status !== 0 || JSON.parse(st.stdout).status === 'stopped') break;
      }
      per.delete.push(t(['delete', '--force', id]));
    }
    for (const k of Object.keys(per)) phases[k][n] = ok && per[k].length && per[k].every((x) => x !== undefined) ? median(per[k]) : undefined;
    phases.rss[n] = rss.length ? median(rss) : undefined;
    // Whatever a failed step left: remove it through the runtime itself, then its state root.
    const left = spawnSync(p, ['--root', root, 'list', '-q'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] }).stdout ?? '';
    for (const id of left.split('\n').filter(Boolean)) run(p, ['--root', root, 'delete', '--force', id], [0, 1]);
    rmSync(root, { recursive: true, force: true });
  }
  row('run /bin/true', 'ms', phases.run);
  for (const k of ['create', 'start', 'state', 'kill', 'delete']) row(`${k} (lifecycle)`, 'ms', phases[k]);
  const sum = Object.fromEntries(runtimes.map(([n]) => [n, ['create', 'start', 'delete'].reduce((a, k) => (a === undefined || phases[k][n] === undefined ? undefined : a + phases[k][n]), 0)]));
  row('create+start+delete', 'ms', sum);
  row('RSS of init in created', 'MiB', phases.rss);
  rmSync(bundle, { recursive: true, force: true });
  rmSync(sleepBundle, { recursive: true, force: true });
  void life;
} else {
  console.log('(lifecycle rows need root, /bin/busybox and a built bin/berth)');
}

// Print
const names = runtimes.map(([n]) => n);
const fmt = (v) => (v === undefined ? 'n/a' : v.toFixed(v < 10 ? 2 : 1));
const header = ['benchmark', 'unit', ...names, 'berth/runc'];
const lines = rows.map((r) => [r.name, r.unit, ...names.map((n) => fmt(r.values[n])), r.values.berth !== undefined && r.values.runc ? (r.values.berth / r.values.runc).toFixed(2) + 'x' : 'n/a']);
const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i].length)));
console.log(`runs per row: ${RUNS} (medians); crun n/a = it cannot start on this host`);
for (const l of [header, ...lines]) console.log(l.map((c, i) => c.padEnd(widths[i] + 2)).join(''));
