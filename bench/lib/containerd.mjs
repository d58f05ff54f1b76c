// A private containerd for the engine row, as test/engines/helpers/containerd.ts starts one:
// its own config, root, state and sockets in a temp dir, CRI and unused snapshotters disabled,
// started as a child and stopped by its PID. `ctr run --runc-binary` points the
// io.containerd.runc.v2 shim at a column's runtime, with its state root and ctr's fifos in the
// temp dir and the container's cgroup under the bench's own absolute parent.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CTD_PARENT } from './cgroups.mjs';
import { checkpoint, onCleanup } from './cleanup.mjs';
import { alive, runSync, sleep, trySync, which } from './proc.mjs';

export const PROGRAMS = ['containerd', 'ctr', 'containerd-shim-runc-v2'];
export const missingPrograms = () => PROGRAMS.filter((p) => !which(p));

function mountsUnder(dir) {
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter(Boolean)
    .map((l) => l.split(' ')[4].replace(/\\040/g, ' '))
    .filter((m) => m === dir || m.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
}

function removeEmptyDirs(dir) {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) if (e.isDirectory()) removeEmptyDirs(join(dir, e.name));
  try {
    rmdirSync(dir);
  } catch { /* not empty */ }
}

export class PrivateContainerd {
  namespace = 'berth-bench';
  pid = 0;
  runDirExisted = existsSync('/run/containerd');

  constructor(tmp) {
    this.dir = mkdtempSync(join(tmp, 'containerd-'));
    this.sock = join(this.dir, 'containerd.sock');
    onCleanup('private containerd', () => this.stop());
  }

  async start() {
    const cfg = join(this.dir, 'config.toml');
    writeFileSync(cfg, [
      'version = 2',
      `root = "${this.dir}/root"`,
      `state = "${this.dir}/state"`,
      'disabled_plugins = ["io.containerd.grpc.v1.cri", "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]',
      '[grpc]', `  address = "${this.sock}"`,
      '[ttrpc]', `  address = "${this.sock}.ttrpc"`,
      '[debug]', `  address = "${this.dir}/debug.sock"`, '',
    ].join('\n'));
    const log = openSync(join(this.dir, 'containerd.log'), 'w');
    const child = spawn('containerd', ['--config', cfg], { stdio: ['ignore', log, log], detached: true });
    closeSync(log);
    child.unref();
    this.pid = child.pid;
    const until = Date.now() + 20_000;
    while (!(existsSync(this.sock) && trySync(this.ctrArgv(['version'])))) {
      if (!alive(this.pid)) throw new Error(`containerd exited: ${this.log()}`);
      if (Date.now() > until) throw new Error('containerd did not serve within 20 s');
      await sleep(50);
      checkpoint();
    }
  }

  log() {
    try {
      return readFileSync(join(this.dir, 'containerd.log'), 'utf8').trim().split('\n').slice(-3).join(' | ');
    } catch {
      return '';
    }
  }

  ctrArgv(args) {
    return ['ctr', '--address', this.sock, '--namespace', this.namespace, ...args];
  }

  /** argv of `ctr run --rm` of /bin/true as container `id`, driven by the column's binary;
   * `seccomp`: with containerd's default profile (`ctr run --seccomp`). */
  runArgv(col, rootfs, id, seccomp = false) {
    const runcRoot = join(this.dir, 'runc-root', col.key);
    const fifo = join(this.dir, 'fifo');
    mkdirSync(runcRoot, { recursive: true });
    mkdirSync(fifo, { recursive: true });
    return this.ctrArgv(['run', '--rm', '--runc-binary', col.engineBinary, '--runc-root', runcRoot, '--fifo-dir', fifo,
      '--cgroup', `/${CTD_PARENT}/${id}`, ...(seccomp ? ['--seccomp'] : []), '--rootfs', rootfs, id, '/bin/true']);
  }

  /** Remove every task and container left, stop containerd by PID, remove its dir. */
  async stop() {
    if (this.pid && alive(this.pid)) {
      const ls = (what) => {
        try {
          return runSync(this.ctrArgv([what, 'ls', '-q']), { capture: true }).split('\n').filter(Boolean);
        } catch {
          return [];
        }
      };
      for (const t of ls('task')) {
        trySync(this.ctrArgv(['task', 'kill', '-s', 'SIGKILL', t]));
        trySync(this.ctrArgv(['task', 'rm', '-f', t]));
      }
      for (const c of ls('container')) trySync(this.ctrArgv(['container', 'rm', c]));
      process.kill(this.pid, 'SIGTERM');
      const until = Date.now() + 10_000;
      while (alive(this.pid) && Date.now() < until) await sleep(50);
      if (alive(this.pid)) process.kill(this.pid, 'SIGKILL');
    }
    for (const m of mountsUnder(this.dir)) spawnSync('umount', ['-l', m], { stdio: 'ignore' });
    rmSync(this.dir, { recursive: true, force: true });
    // The shim puts its socket under /run/containerd/s (fixed in 1.6).
    if (!this.runDirExisted) removeEmptyDirs('/run/containerd');
  }
}
