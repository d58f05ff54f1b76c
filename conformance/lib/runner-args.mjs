// The command line both suite runners take (runtime-tools.mjs, runc-bats.mjs): --runtime
// name=path (repeatable), --timeout SECONDS, --log DIR, --json FILE, -h, the runner's own boolean
// flags, and names of tests to run.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';

/**
 * argv → { runtimes, timeout, log, json, only, ...flags }. `flags` maps a runner's own boolean
 * options to their key (e.g. { '--prepare': 'prepare' }); `name` turns a word into a test name.
 * usage(msg) prints and exits.
 */
export function parseRunnerArgs(argv, { timeout, flags = {}, name = (w) => w }, usage) {
  const opts = { runtimes: [], timeout, log: '', json: '', only: [], ...Object.fromEntries(Object.values(flags).map((k) => [k, false])) };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => argv[++i] ?? usage(`${a} needs a value`);
    if (a === '--runtime') {
      const v = val();
      const eq = v.indexOf('=');
      if (eq < 1) usage(`--runtime wants name=path, got ${v}`);
      opts.runtimes.push({ name: v.slice(0, eq), path: v.slice(eq + 1) });
    } else if (a === '--timeout') opts.timeout = Number(val());
    else if (a === '--log') opts.log = resolve(val());
    else if (a === '--json') opts.json = resolve(val());
    else if (Object.hasOwn(flags, a)) opts[flags[a]] = true;
    else if (a === '-h' || a === '--help') usage();
    else if (a.startsWith('-')) usage(`unknown option ${a}`);
    else opts.only.push(name(a));
  }
  return opts;
}

/** The path of a command on PATH, or ''. */
export function which(cmd) {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : '';
}

/**
 * opts.runtimes made absolute and checked; none given: the checkout's bin/berth and, when
 * installed, runc beside it. `label` prefixes what the runner says.
 */
export function resolveRuntimes(opts, repo, label, usage) {
  if (opts.runtimes.length === 0) {
    opts.runtimes.push({ name: 'berth', path: join(repo, 'bin/berth') });
    const runc = which('runc');
    if (runc) opts.runtimes.push({ name: 'runc', path: runc });
    else console.log(`${label}: runc not found, running berth alone`);
  }
  for (const rt of opts.runtimes) {
    rt.path = rt.path.includes('/') ? resolve(rt.path) : which(rt.path);
    if (!rt.path || !existsSync(rt.path)) usage(`runtime ${rt.name}: no executable`);
  }
  return opts.runtimes;
}
