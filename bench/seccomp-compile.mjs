// Time to turn berth's default seccomp profile (src/seccomp/profiles/default.json, ~350 rules)
// into the BPF program berth-init loads: the pure plan (linux.seccomp → compile input) and
// libseccomp's compile in the addon, as `create` and `exec` do it. No root needed.
// Usage: node bench/seccomp-compile.mjs [--runs N]
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

const repo = new URL('..', import.meta.url).pathname;
const argRuns = process.argv.indexOf('--runs');
const RUNS = argRuns > 0 ? Number(process.argv[argRuns + 1]) : 50;

const native = createRequire(import.meta.url)(join(repo, 'dist/native/berth.node'));
const { seccompFilterPlan } = await import(join(repo, 'dist/seccomp/plan.js'));
const profile = JSON.parse(readFileSync(join(repo, 'src/seccomp/profiles/default.json'), 'utf8'));

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

function time(fn) {
  const xs = [];
  let out;
  for (let i = 0; i < RUNS; i++) {
    const t0 = process.hrtime.bigint();
    out = fn();
    xs.push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
  return { first: xs[0], median: median(xs.slice(1)), out };
}

const plan = time(() => seccompFilterPlan(profile));
const compile = time(() => native.seccompCompile(plan.out.input));
const rules = plan.out.input.rules.length;
const insns = compile.out.program.length / 8;

const fmt = (v) => `${v.toFixed(2)} ms`;
console.log(`default profile: ${rules} rules, ${insns} BPF instructions, libseccomp ${native.seccompProbe({ actions: [], flags: [], architectures: [] }).version}`);
console.log('| step | first call | median of the rest |');
console.log('|---|---|---|');
console.log(`| plan (linux.seccomp → compile input) | ${fmt(plan.first)} | ${fmt(plan.median)} |`);
console.log(`| compile (libseccomp → BPF) | ${fmt(compile.first)} | ${fmt(compile.median)} |`);
