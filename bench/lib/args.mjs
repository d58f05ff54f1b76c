// Command-line flags of bench/run.mjs (each binary also from the environment).
import { existsSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';

export const REPO = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

export const USAGE = `usage: node bench/run.mjs [flags]   (as root)
  --runs N          samples per row, medians (default 20)
  --ctr-runs N      ctr run --rm / podman run --rm per runtime under the private engines (default 20)
  --concurrent N    containers created at once in the concurrency row (default 50)
  --many N          containers in the root for the list/state rows (default 500)
  --gap-ms N        engine cadence: the idle gap before each timed call (default 100)
  --profile PATH    the seccomp profile of the "default profile" rows (default src/seccomp/profiles/default.json)
  --berth PATH      berth executable, column "berth (compiled)" ($BENCH_BERTH or $BERTH; default bin/berth)
  --berth-node PATH berth on Node 24 ($BENCH_BERTH_NODE or $BERTH_NODE; default bin/berth-node)
  --runc PATH       ($BENCH_RUNC or $RUNC; default: runc in PATH, Debian's /usr/sbin/runc)
  --crun PATH       ($BENCH_CRUN or $CRUN; default: crun in PATH). On a cgroup v1 hybrid host a crun
                    that refuses it runs through an unshare + umount wrapper; a launcher that copes
                    (the anchors' crun-hybrid) runs as it is.
  --only a,b        columns to run (berth, berth-node, runc, crun)
  --skip a,b        sections to leave out: cli, cadence, lifecycle, concurrent, many, engine, podman
  --no-ratios       print no ratio columns (an emulated host, e.g. the cgroup v2 VM: the run only
                    checks that every row runs)
  --check           exit 1 when any cell of any column failed (not only berth's)
A column whose binary is missing is left out and the table says so.`;

export function parseArgs(argv) {
  const o = {
    runs: 20, ctrRuns: 20, concurrent: 50, many: 500, gapMs: 100,
    profile: join(REPO, 'src/seccomp/profiles/default.json'),
    berth: process.env.BENCH_BERTH ?? process.env.BERTH ?? join(REPO, 'bin/berth'),
    berthNode: process.env.BENCH_BERTH_NODE ?? process.env.BERTH_NODE ?? join(REPO, 'bin/berth-node'),
    runc: process.env.BENCH_RUNC ?? process.env.RUNC, crun: process.env.BENCH_CRUN ?? process.env.CRUN,
    only: undefined, skip: new Set(), ratios: true, check: false,
  };
  const num = (flag, v) => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} wants a positive integer, not ${v}`);
    return n;
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const val = () => inline ?? argv[++i];
    switch (flag) {
      case '--runs': o.runs = num(flag, val()); break;
      case '--ctr-runs': o.ctrRuns = num(flag, val()); break;
      case '--concurrent': o.concurrent = num(flag, val()); break;
      case '--many': o.many = num(flag, val()); break;
      case '--gap-ms': o.gapMs = num(flag, val()); break;
      case '--profile': o.profile = resolve(val()); break;
      case '--no-ratios': o.ratios = false; break;
      case '--check': o.check = true; break;
      case '--berth': o.berth = val(); break;
      case '--berth-node': o.berthNode = val(); break;
      case '--runc': o.runc = val(); break;
      case '--crun': o.crun = val(); break;
      case '--only': o.only = new Set(val().split(',')); break;
      case '--skip': o.skip = new Set(val().split(',')); break;
      case '-h': case '--help': console.log(USAGE); process.exit(0);
      default: throw new Error(`unknown flag ${a}\n${USAGE}`);
    }
  }
  for (const k of ['berth', 'berthNode', 'runc', 'crun']) if (o[k] && !isAbsolute(o[k]) && o[k].includes('/')) o[k] = resolve(o[k]);
  return o;
}

export const exists = (p) => Boolean(p) && existsSync(p);
