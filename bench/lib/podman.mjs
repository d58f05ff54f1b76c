// The engine's view through Podman: `podman run --rm` of /bin/true with Podman's default seccomp
// profile (containers-common's seccomp.json), per column, under a private Podman (as
// test/engines/helpers/podman.ts: storage, run root, tmp dir and config in the bench's temp dir,
// cgroupfs manager, no network, a cgroup parent of the bench's own). One untimed warm-up each.
// The runtime's state root stays its default (/run/<runtime>): conmon's cleanup would not get a
// private one. A compiled-filter cache berth makes there is removed at the end unless it was
// there before.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PODMAN_PARENT } from './cgroups.mjs';
import { checkpoint, onCleanup } from './cleanup.mjs';
import { runSync, trySync, which } from './proc.mjs';
import { median, now } from './stats.mjs';

export const podmanRow = (n) => `private Podman: \`podman run --rm\` of /bin/true, its default seccomp profile (median of ${n})`;

const IMAGE = 'localhost/berth-bench-busybox:latest';
const BERTH_CACHE = '/run/berth/.seccomp:cache';

class PrivatePodman {
  constructor(tmp, cols) {
    this.dir = mkdtempSync(join(tmp, 'podman-'));
    mkdirSync(join(this.dir, 'tmp'));
    writeFileSync(join(this.dir, 'containers.conf'), [
      '[containers]',
      // root here lacks CAP_SYS_RESOURCE: Podman's default nofile 1048576 cannot be set.
      'default_ulimits = ["nofile=20000:20000", "nproc=4096:4096"]',
      'netns = "none"',
      '[engine]',
      'cgroup_manager = "cgroupfs"',
      'events_logger = "file"',
      'lock_type = "file"',
      `tmp_dir = "${this.dir}/tmp"`,
      `volume_path = "${this.dir}/volumes"`,
      '[engine.runtimes]',
      ...cols.map((c) => `bench-${c.key} = ["${c.engineBinary}"]`),
      '',
    ].join('\n'));
    writeFileSync(join(this.dir, 'storage.conf'), ['[storage]', 'driver = "vfs"', `graphroot = "${this.dir}/root"`, `runroot = "${this.dir}/runroot"`, ''].join('\n'));
    this.env = { ...process.env, CONTAINERS_CONF: join(this.dir, 'containers.conf'), CONTAINERS_STORAGE_CONF: join(this.dir, 'storage.conf') };
    const cacheExisted = existsSync(BERTH_CACHE);
    onCleanup('private Podman', () => this.stop(cacheExisted));
  }

  argv(args) {
    return ['podman', '--root', join(this.dir, 'root'), '--runroot', join(this.dir, 'runroot'), '--tmpdir', join(this.dir, 'tmp'), ...args];
  }

  importRootfs(rootfs) {
    const tar = join(this.dir, 'rootfs.tar');
    execFileSync('tar', ['-C', rootfs, '-cf', tar, '.']);
    runSync(this.argv(['import', tar, IMAGE]), { timeout: 120_000, env: this.env });
  }

  runArgv(col) {
    return this.argv(['run', '--rm', '--runtime', `bench-${col.key}`, '--cgroup-parent', `/${PODMAN_PARENT}`, '--network', 'none', IMAGE, '/bin/true']);
  }

  stop(cacheExisted) {
    let ids = [];
    try {
      ids = runSync(this.argv(['ps', '-aq']), { capture: true, env: this.env }).split('\n').filter(Boolean);
    } catch { /* none */ }
    if (ids.length) trySync(this.argv(['rm', '-f', '-t', '0', ...ids]), { env: this.env });
    // vfs layers are plain dirs; the container's mounts went with it.
    trySync(['umount', '-R', join(this.dir, 'root')]);
    rmSync(this.dir, { recursive: true, force: true });
    if (!cacheExisted) rmSync(BERTH_CACHE, { recursive: true, force: true });
  }
}

export async function podmanRows(res, cols, tmp, rootfs, runs) {
  const row = podmanRow(runs);
  const missing = ['podman', 'conmon'].filter((p) => !which(p));
  if (missing.length) return cols.forEach((c) => res.fail(row, 'ms', c.key, `missing ${missing.join(', ')} (apt-get install podman)`));
  const pm = new PrivatePodman(tmp, cols);
  try {
    pm.importRootfs(rootfs);
  } catch (e) {
    return cols.forEach((c) => res.fail(row, 'ms', c.key, e));
  }
  for (const col of cols) {
    await res.measure(row, 'ms', col.key, () => {
      const xs = [];
      for (let i = 0; i <= runs; i++) {
        checkpoint();
        const t0 = now();
        runSync(pm.runArgv(col), { timeout: 120_000, env: pm.env });
        if (i > 0) xs.push(now() - t0);
      }
      return median(xs);
    });
  }
}
