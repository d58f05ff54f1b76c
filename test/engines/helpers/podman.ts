import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { CACHE_DIR } from '../../../src/seccomp/cache.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { removeCgroupTree, run, unmountAndRemove, type Result, type Runtime } from './env.js';
import { readmeSnippet } from './readme.js';

/** berth's state root as root when no --root is given (podman passes none). */
const BERTH_DEFAULT_ROOT = '/run/berth';

export const PODMAN_PROGRAMS = { podman: 'podman', conmon: 'conmon' };

/**
 * Podman (Debian 4.3) with everything private: storage (vfs) under a temp dir, its tmp dir
 * (locks as files, not the shared /dev/shm segment; events in a file), a containers.conf and
 * storage.conf of its own through CONTAINERS_CONF / CONTAINERS_STORAGE_CONF, cgroupfs manager,
 * no network, and a cgroup parent made for this run. Podman has no daemon: nothing to stop but
 * the containers, and conmon exits with them.
 *
 * The runtime's state root stays its default (/run/berth, /run/runc): podman passes
 * `--runtime-flag` to the runtime but not to the `podman container cleanup` that conmon runs
 * at exit, so a private root there would leave state behind with runc as with berth.
 */
export class PrivatePodman {
  readonly dir: string;
  readonly cgroupParent: string;
  readonly env: NodeJS.ProcessEnv;
  readonly image = 'localhost/berth-busybox:latest';
  /** What of berth's default state root was there before (its compiled-filter cache is left by the containers' creates). */
  private readonly hadRoot = existsSync(BERTH_DEFAULT_ROOT);
  private readonly hadCache = existsSync(join(BERTH_DEFAULT_ROOT, CACHE_DIR));

  constructor(runtimes: Runtime[]) {
    this.dir = mkdtempSync(join(tmpdir(), 'berth-podman-'));
    this.cgroupParent = `berth-engines-podman-${process.pid}-${Date.now().toString(36)}`;
    mkdirSync(join(this.dir, 'tmp'));
    // README.md's containers.conf runtimes, plus what keeps this instance private and runnable
    // here (root lacks CAP_SYS_RESOURCE: podman's default nofile 1048576 cannot be set).
    writeFileSync(
      join(this.dir, 'containers.conf'),
      [
        '[containers]',
        'default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]',
        'netns = "none"',
        '[engine]',
        'cgroup_manager = "cgroupfs"',
        'events_logger = "file"',
        'lock_type = "file"',
        `tmp_dir = "${this.dir}/tmp"`,
        `volume_path = "${this.dir}/volumes"`,
        // README.md's snippet for berth, then the others beside it
        readmeSnippet('toml', '[engine.runtimes]').trimEnd(),
        ...runtimes.filter((rt) => rt.name !== 'berth').map((rt) => `${rt.name} = ["${rt.path}"]`),
        '',
      ].join('\n'),
    );
    writeFileSync(join(this.dir, 'storage.conf'), ['[storage]', 'driver = "vfs"', `graphroot = "${this.dir}/root"`, `runroot = "${this.dir}/runroot"`, ''].join('\n'));
    this.env = { ...process.env, CONTAINERS_CONF: join(this.dir, 'containers.conf'), CONTAINERS_STORAGE_CONF: join(this.dir, 'storage.conf') };
  }

  podman(args: string[], opts: { timeout?: number } = {}): Result {
    return run('podman', ['--root', join(this.dir, 'root'), '--runroot', join(this.dir, 'runroot'), '--tmpdir', join(this.dir, 'tmp'), ...args], { env: this.env, timeout: opts.timeout ?? 60_000 });
  }

  /** `podman import` of a tar of the busybox rootfs as this instance's only image. */
  importRootfs(rootfs: string): void {
    const tar = join(this.dir, 'rootfs.tar');
    execFileSync('tar', ['-C', rootfs, '-cf', tar, '.']);
    const r = this.podman(['import', tar, this.image]);
    if (r.status !== 0) throw new Error(`podman import: ${r.stderr}`);
  }

  /** Flags of every `podman run`: the runtime by its containers.conf name, our cgroup parent. */
  runFlags(rt: Runtime): string[] {
    return ['--runtime', rt.name, '--cgroup-parent', `/${this.cgroupParent}`, '--network', 'none'];
  }

  stop(): void {
    const ids = this.podman(['ps', '-aq']).stdout.split('\n').filter(Boolean);
    if (ids.length) this.podman(['rm', '-f', '-t', '0', ...ids]);
    unmountAndRemove(this.dir);
    removeCgroupTree(this.cgroupParent); // and conmon's cgroup podman made in it
    // berth's compiled-filter cache in its default root, when these containers made it.
    if (!this.hadCache) rmSync(join(BERTH_DEFAULT_ROOT, CACHE_DIR), { recursive: true, force: true });
    if (!this.hadRoot) {
      try {
        rmdirSync(BERTH_DEFAULT_ROOT);
      } catch {
        // not empty: something else's
      }
    }
  }
}
