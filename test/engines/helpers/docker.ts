import { spawn, execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { alive, run, stopPid, unmountAndRemove, waitFor, which, type Result, type Runtime } from './env.js';
import { readmeSnippet } from './readme.js';

export const DOCKER_PROGRAMS = { dockerd: 'docker.io', containerd: 'containerd' };

/**
 * The Debian client beside dockerd (/usr/bin/docker): another `docker` earlier on PATH may be a
 * newer client than this 20.10 daemon speaks.
 */
export function dockerClient(): string {
  const beside = join(dirname(dirname(which('dockerd') || '/usr/sbin/dockerd')), 'bin/docker');
  return existsSync(beside) ? beside : which('docker');
}

/**
 * A private dockerd 20.10: data-root, exec-root (where it starts its own containerd), socket,
 * pidfile and daemon.json in a temp dir; no bridge, iptables or masquerading; vfs storage; a
 * cgroup parent made for this run. berth is registered with README.md's daemon.json snippet.
 * Started as our child and stopped by its PID.
 */
export class PrivateDockerd {
  readonly dir: string;
  readonly sock: string;
  readonly cgroupParent: string;
  private pid = 0;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'berth-docker-'));
    this.sock = join(this.dir, 'docker.sock');
    this.cgroupParent = `berth-engines-docker-${process.pid}-${Date.now().toString(36)}`;
  }

  /** Docker names a runtime; `runc` is its own built-in name, so runc is registered as runc-debian. */
  static runtimeName(rt: Runtime): string {
    return rt.name === 'runc' ? 'runc-debian' : rt.name;
  }

  async start(runtimes: Runtime[]): Promise<void> {
    const cfg = join(this.dir, 'daemon.json');
    writeFileSync(
      cfg,
      JSON.stringify(
        {
          // README.md's daemon.json for berth, the others beside it
          runtimes: {
            ...JSON.parse(readmeSnippet('json', '"runtimes"')).runtimes,
            ...Object.fromEntries(runtimes.filter((rt) => rt.name !== 'berth').map((rt) => [PrivateDockerd.runtimeName(rt), { path: rt.path }])),
          },
          'default-ulimits': { nofile: { Name: 'nofile', Soft: 20000, Hard: 20000 }, nproc: { Name: 'nproc', Soft: 4096, Hard: 4096 } },
        },
        null,
        2,
      ),
    );
    const args = [
      '--config-file', cfg,
      '--data-root', join(this.dir, 'data'),
      '--exec-root', join(this.dir, 'exec'),
      '--pidfile', join(this.dir, 'docker.pid'),
      '-H', `unix://${this.sock}`,
      '--bridge=none', '--iptables=false', '--ip-masq=false', '--ip-forward=false', '--userland-proxy=false',
      '--storage-driver', 'vfs',
      '--cgroup-parent', `/${this.cgroupParent}`,
    ];
    const log = openSync(join(this.dir, 'dockerd.log'), 'w');
    const child = spawn('dockerd', args, { stdio: ['ignore', log, log], detached: true });
    closeSync(log);
    child.unref();
    this.pid = child.pid!;
    await waitFor(
      'dockerd to serve',
      () => {
        if (!alive(this.pid)) throw new Error(`dockerd exited:\n${this.log()}`);
        return existsSync(this.sock) && this.docker(['version']).status === 0;
      },
      60_000,
    );
  }

  log(): string {
    try {
      return readFileSync(join(this.dir, 'dockerd.log'), 'utf8').split('\n').slice(-30).join('\n');
    } catch {
      return '';
    }
  }

  docker(args: string[], opts: { timeout?: number } = {}): Result {
    return run(dockerClient(), ['-H', `unix://${this.sock}`, ...args], { timeout: opts.timeout ?? 60_000, env: { ...process.env, DOCKER_CONFIG: join(this.dir, 'client') } });
  }

  importRootfs(rootfs: string, image: string): void {
    const tar = join(this.dir, 'rootfs.tar');
    execFileSync('tar', ['-C', rootfs, '-cf', tar, '.']);
    const r = this.docker(['import', tar, image]);
    if (r.status !== 0) throw new Error(`docker import: ${r.stderr}`);
  }

  /**
   * The state root the shim gives the runtime: <exec-root>/runtime-runc/moby for every runtime
   * (Docker 20.10 names the root after the shim, io.containerd.runc.v2, not the runtime).
   */
  runtimeRoot(_rt: Runtime): string {
    return join(this.dir, 'exec', 'runtime-runc', 'moby');
  }

  /** Remove containers left by a failed test, stop dockerd (it stops its containerd), clean up. */
  async stop(): Promise<void> {
    if (this.pid && alive(this.pid)) {
      const ids = this.docker(['ps', '-aq']).stdout.split('\n').filter(Boolean);
      if (ids.length) this.docker(['rm', '-f', ...ids]);
      await stopPid(this.pid, 30_000);
    }
    // dockerd's own containerd lives on after a dockerd crash: stop it by its pidfile.
    const ctdPid = join(this.dir, 'exec/containerd/containerd.pid');
    if (existsSync(ctdPid)) {
      const pid = Number(readFileSync(ctdPid, 'utf8'));
      if (pid > 0 && alive(pid) && readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(this.dir)) await stopPid(pid);
    }
    unmountAndRemove(this.dir);
  }
}
