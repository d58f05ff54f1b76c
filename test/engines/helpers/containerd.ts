import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, mkdirSync, openSync, closeSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { alive, privateContainerdConfig, removeEmptyDirs, run, stopPid, unmountAndRemove, waitFor, type Result, type Runtime } from './env.js';

/** Debian's programs for this lane, with the package that has each. */
export const CONTAINERD_PROGRAMS = { containerd: 'containerd', ctr: 'containerd', 'containerd-shim-runc-v2': 'containerd' };

/**
 * A private containerd 1.6: its own config, root, state and sockets in a temp dir, started as a
 * child process and stopped by its PID. The system's containerd (if any) is never touched.
 */
export class PrivateContainerd {
  readonly dir: string;
  readonly sock: string;
  readonly namespace = 'berth-engines';
  /** Absolute cgroup parent every container of this instance goes under (removed at stop). */
  readonly cgroupParent: string;
  private pid = 0;
  private runDirExisted = existsSync('/run/containerd');

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'berth-containerd-'));
    this.sock = join(this.dir, 'containerd.sock');
    this.cgroupParent = `berth-engines-${process.pid}-${Date.now().toString(36)}`;
  }

  async start(): Promise<void> {
    const cfg = join(this.dir, 'config.toml');
    // Plugins that need what a private test instance has no use for (CRI: CNI and images;
    // snapshotters for other filesystems) are disabled so start-up is quick and quiet.
    writeFileSync(
      cfg,
      [...privateContainerdConfig(this.dir, this.sock), ''].join('\n'),
    );
    const log = openSync(join(this.dir, 'containerd.log'), 'w');
    const child = spawn('containerd', ['--config', cfg], { stdio: ['ignore', log, log], detached: true });
    closeSync(log);
    child.unref();
    this.pid = child.pid!;
    await waitFor('containerd to serve', () => {
      if (!alive(this.pid)) throw new Error(`containerd exited:\n${this.log()}`);
      return existsSync(this.sock) && this.ctr(['version']).status === 0;
    });
  }

  log(): string {
    try {
      return readFileSync(join(this.dir, 'containerd.log'), 'utf8').split('\n').slice(-30).join('\n');
    } catch {
      return '';
    }
  }

  ctr(args: string[], opts: { input?: string; timeout?: number } = {}): Result {
    return run('ctr', ['--address', this.sock, '--namespace', this.namespace, ...args], { timeout: opts.timeout ?? 60_000, input: opts.input });
  }

  /**
   * `ctr run` flags that make the io.containerd.runc.v2 shim drive `rt`: its binary, a state
   * root inside this instance's dir (not /run/containerd/runc), ctr's fifos here too, and a
   * cgroup under this instance's parent.
   */
  runFlags(rt: Runtime, id: string): string[] {
    const runcRoot = join(this.dir, 'runc-root', rt.name);
    const fifo = join(this.dir, 'fifo');
    mkdirSync(runcRoot, { recursive: true });
    mkdirSync(fifo, { recursive: true });
    return ['--runc-binary', rt.path, '--runc-root', runcRoot, '--fifo-dir', fifo, '--cgroup', `/${this.cgroupParent}/${id}`];
  }

  /** `ctr task exec` flags: its fifos here too, not in /run/containerd/fifo. */
  execFlags(): string[] {
    return ['--fifo-dir', join(this.dir, 'fifo')];
  }

  /** The runtime's own state root: the shim passes `--root <runc-root>/<namespace>`. */
  runtimeRoot(rt: Runtime): string {
    return join(this.dir, 'runc-root', rt.name, this.namespace);
  }

  /** Remove every task and container left (a failed test), stop containerd by PID, clean up. */
  async stop(): Promise<void> {
    if (this.pid && alive(this.pid)) {
      const tasks = this.ctr(['task', 'ls', '-q']).stdout.split('\n').filter(Boolean);
      for (const t of tasks) {
        this.ctr(['task', 'kill', '-s', 'SIGKILL', t]);
        this.ctr(['task', 'rm', '-f', t]);
      }
      for (const c of this.ctr(['container', 'ls', '-q']).stdout.split('\n').filter(Boolean)) this.ctr(['container', 'rm', c]);
      await stopPid(this.pid);
    }
    unmountAndRemove(this.dir);
    // The shim puts its socket under /run/containerd/s (fixed in 1.6).
    if (!this.runDirExisted) removeEmptyDirs('/run/containerd');
  }
}
