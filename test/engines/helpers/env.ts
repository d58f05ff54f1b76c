import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync, readdirSync, rmdirSync } from 'node:fs';
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BERTH, haveBuild, isRoot } from '../../helpers/bundle.js';
import { haveBusybox } from '../../helpers/rootfs.js';
import { alive } from '../../helpers/procfs.js';
export { alive };

/** The runtimes every engine scenario runs against, side by side: runc first, then berth. */
export interface Runtime {
  name: string;
  path: string;
}

export function which(cmd: string): string {
  const r = spawnSync('sh', ['-c', `command -v ${cmd}`], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.trim() : '';
}

export function runtimes(): Runtime[] {
  const list: Runtime[] = [];
  const runc = which('runc');
  if (runc) list.push({ name: 'runc', path: runc });
  list.push({ name: 'berth', path: BERTH });
  return list;
}

/**
 * Why an engine lane cannot run here, or undefined when it can. The lane prints this reason and
 * skips (never passes silently): a missing program names the Debian package that has it.
 */
export function whyNot(programs: Record<string, string>): string | undefined {
  if (!isRoot()) return 'not root (engines run real containers)';
  if (!haveBuild()) return 'berth is not built (bash scripts/setup.sh)';
  if (!haveBusybox()) return 'no /bin/busybox (Debian busybox-static)';
  const missing = Object.entries(programs).filter(([prog]) => !which(prog));
  if (missing.length) return `missing ${missing.map(([p, pkg]) => `${p} (Debian ${pkg})`).join(', ')}`;
  return undefined;
}

/** Print the reason a lane is skipped, once, where the test output shows it. */
export function announceSkip(lane: string, why: string | undefined): void {
  if (why) console.log(`engines: ${lane} lane skipped: ${why}`);
}

export interface Result {
  status: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Run a program with output through files, not pipes: detached containers may inherit the
 * engine client's stdio, and a pipe would make spawnSync wait for them.
 */
export function run(cmd: string, args: string[], opts: SpawnSyncOptions & { input?: string } = {}): Result {
  const dir = mkdtempSync(join(tmpdir(), 'berth-eng-out-'));
  const out = openSync(join(dir, 'out'), 'w+');
  const err = openSync(join(dir, 'err'), 'w+');
  try {
    const r = spawnSync(cmd, args, {
      timeout: 60_000,
      ...opts,
      encoding: 'utf8',
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', out, err],
    });
    const res = { status: r.status, stdout: readFileSync(join(dir, 'out'), 'utf8'), stderr: readFileSync(join(dir, 'err'), 'utf8') };
    if (r.error) res.stderr += `\n(spawn: ${r.error.message})`;
    return res;
  } finally {
    closeSync(out);
    closeSync(err);
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Mount points at or under `dir` (deepest first), from our mount namespace. */
export function mountsUnder(dir: string): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(' ')[4]!.replace(/\\040/g, ' '))
    .filter((m) => m === dir || m.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

/** Unmount what a private engine left mounted under its dirs, then remove them. */
export function unmountAndRemove(dir: string): void {
  for (const m of mountsUnder(dir)) spawnSync('umount', ['-l', m], { stdio: 'ignore' });
  rmSync(dir, { recursive: true, force: true });
}

/** Wait until pid has exited (polling /proc); SIGKILL it after `ms`. */
export async function stopPid(pid: number, ms = 10_000): Promise<void> {
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return;
  }
  const until = Date.now() + ms;
  while (Date.now() < until) {
    if (!alive(pid)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    /* gone */
  }
}


export async function waitFor(what: string, cond: () => boolean, ms = 15_000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** rmdir a cgroup dir we made, in every v1 hierarchy and the unified one (leaves first). */
export function removeCgroupTree(name: string): void {
  const roots = existsSync('/sys/fs/cgroup') ? readdirSync('/sys/fs/cgroup').map((h) => join('/sys/fs/cgroup', h)) : [];
  roots.push('/sys/fs/cgroup');
  for (const root of roots) {
    const top = join(root, name);
    if (!existsSync(top)) continue;
    const rm = (d: string) => {
      // Not a cgroup (no cgroup.procs): a plain dir an engine made where no controller is
      // mounted (podman's conmon cgroup under /sys/fs/cgroup/hugetlb on this host's tmpfs).
      if (!existsSync(join(d, 'cgroup.procs'))) return void rmSync(d, { recursive: true, force: true });
      for (const e of readdirSync(d, { withFileTypes: true })) if (e.isDirectory()) rm(join(d, e.name));
      // EBUSY while a process in it is still exiting (conmon, after `podman rm -f`): up to 3 s.
      for (let i = 0; ; i++) {
        try {
          rmdirSync(d);
          return;
        } catch (e) {
          if ((e as { code?: string }).code !== 'EBUSY' || i >= 60) return; // left for the leak check to report
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
        }
      }
    };
    rm(top);
  }
}

/**
 * Host paths an engine makes on its own outside the dirs we give it (podman's image blob cache
 * in /var/lib/containers/cache, a runtime's default state root): remembered before the lane
 * starts; `remove()` deletes those that did not exist then: `trees` with what is in them,
 * `emptyDirs` only when they hold nothing but empty dirs (another user of the machine may have
 * started using one: containerd's shims all put their sockets in /run/containerd/s).
 */
export function hostPathsMadeBy(trees: string[], emptyDirs: string[] = []): { remove(): void } {
  const before = new Set([...trees, ...emptyDirs].filter((p) => existsSync(p)));
  return {
    remove() {
      for (const p of trees) if (!before.has(p)) rmSync(p, { recursive: true, force: true });
      for (const p of emptyDirs) if (!before.has(p)) removeEmptyDirs(p);
    },
  };
}

/** rmdir `dir` and the dirs under it, deepest first, as far as they are empty. */
export function removeEmptyDirs(dir: string): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) if (e.isDirectory()) removeEmptyDirs(join(dir, e.name));
  try {
    rmdirSync(dir);
  } catch {
    /* not empty */
  }
}

/** Plugins a private test containerd has no use for (snapshotters for other filesystems, tracing). */
const UNUSED_PLUGINS = ['io.containerd.snapshotter.v1.aufs', 'io.containerd.snapshotter.v1.btrfs', 'io.containerd.snapshotter.v1.zfs', 'io.containerd.snapshotter.v1.devmapper', 'io.containerd.tracing.processor.v1.otlp', 'io.containerd.internal.v1.tracing'];

/**
 * The head of a private containerd's config.toml: its own root, state and sockets under dir, and
 * the plugins it does not need disabled (the CRI plugin too unless `cri`).
 */
export function privateContainerdConfig(dir: string, sock: string, opts: { cri?: boolean } = {}): string[] {
  const disabled = [...(opts.cri ? [] : ['io.containerd.grpc.v1.cri']), ...UNUSED_PLUGINS];
  return [
    'version = 2',
    `root = "${dir}/root"`,
    `state = "${dir}/state"`,
    `disabled_plugins = [${disabled.map((p) => JSON.stringify(p)).join(', ')}]`,
    '[grpc]',
    `  address = "${sock}"`,
    '[ttrpc]',
    `  address = "${sock}.ttrpc"`,
    '[debug]',
    `  address = "${dir}/debug.sock"`,
  ];
}
