// bin/berth, the single executable: `bun build --compile` of src/compiled/main.ts, holding the
// bundle (bytecode), berth.node and berth-init (dist/native/, embedded as files). Usage:
//   node scripts/compile.mjs OUTFILE COMMIT
// Bun comes from the pinned `bun` npm package (node_modules); nothing is downloaded.
// The flags that keep the caller's cwd out of berth: no .env, bunfig.toml, tsconfig.json or
// package.json is read by the executable at run time.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import { join } from 'node:path';

const repo = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const [outfile, commit = 'unknown'] = process.argv.slice(2);
if (!outfile) {
  console.error('usage: node scripts/compile.mjs OUTFILE COMMIT');
  process.exit(2);
}

/** The bun binary of the npm package: its postinstall links it to bin/bun.exe. */
export function bunBinary() {
  for (const p of ['node_modules/bun/bin/bun.exe', 'node_modules/@oven/bun-linux-x64/bin/bun', 'node_modules/@oven/bun-linux-x64-baseline/bin/bun']) {
    const abs = join(repo, p);
    if (existsSync(abs) && statSync(abs).size > 1 << 20) return abs;
  }
  return undefined;
}

const bun = bunBinary();
if (!bun) {
  console.error('compile: no Bun binary in node_modules (the `bun` package): run npm ci');
  process.exit(1);
}
for (const f of ['dist/native/berth.node', 'dist/native/berth-init']) {
  if (!existsSync(join(repo, f))) {
    console.error(`compile: ${f} is missing: build the native parts first (scripts/build.mjs)`);
    process.exit(1);
  }
}

const args = [
  'build', '--compile', join(repo, 'src/compiled/main.ts'), '--outfile', outfile,
  // Bytecode: the code is parsed at build time (ESM: one chunk per lazily imported part). Minified
  // (names kept, for --debug stacks): ~0.4 MiB less and a little less to load. Measured here:
  // --version 8.1 ms without bytecode, 6.0 ms with; state 9.6 ms, 9.0 ms minified.
  '--bytecode', '--format', 'esm', '--splitting', '--minify', '--keep-names',
  '--no-compile-autoload-dotenv', '--no-compile-autoload-bunfig',
  '--no-compile-autoload-tsconfig', '--no-compile-autoload-package-json',
  '--define', 'BERTH_BUNDLE=true', '--define', `BERTH_COMMIT=${JSON.stringify(commit)}`,
  ...(process.env.BERTH_COMPILE_FLAGS ? process.env.BERTH_COMPILE_FLAGS.split(/\s+/).filter(Boolean) : []),
];
const r = spawnSync(bun, args, { cwd: repo, stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: process.env.HOME ?? '/root' } });
if (r.status !== 0) {
  process.stdout.write(r.stdout ?? '');
  console.error(`compile: bun build failed (${r.signal ?? `exit ${r.status}`})`);
  process.exit(1);
}
console.log(`compile: ${outfile} (${(statSync(outfile).size / 1048576).toFixed(1)} MiB, Bun ${spawnSync(bun, ['--version'], { encoding: 'utf8' }).stdout.trim()})`);
