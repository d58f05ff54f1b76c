// Docker 20.10 (Debian docker.io): a private dockerd (and the containerd it starts) driving berth
// and runc side by side with the same scenarios, through containerd's runc shim.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBusyboxRootfs } from '../helpers/rootfs.js';
import { DOCKER_PROGRAMS, PrivateDockerd, dockerClient } from './helpers/docker.js';
import { announceSkip, hostPathsMadeBy, removeCgroupTree, run, runtimes, whyNot, type Runtime } from './helpers/env.js';

const why = whyNot({ ...DOCKER_PROGRAMS, script: 'bsdutils' }) ?? (dockerClient() ? undefined : 'no docker client (Debian docker.io)');
announceSkip('docker', why);

describe.skipIf(!!why)(`docker${why ? ` (skipped: ${why})` : ''}`, () => {
  let dk: PrivateDockerd;
  let work: string;
  const image = 'berth-busybox:latest';
  // dockerd makes these whatever its flags say: a libtrust key and its plugin socket dir; the
  // shims of its containerd put their sockets under /run/containerd/s.
  const hostPaths = hostPathsMadeBy(['/etc/docker/key.json', '/run/docker'], ['/run/containerd']);

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'berth-docker-rootfs-'));
    const rootfs = makeBusyboxRootfs(work);
    dk = new PrivateDockerd();
    await dk.start(runtimes());
    dk.importRootfs(rootfs, image);
  });

  afterAll(async () => {
    await dk?.stop();
    if (dk) removeCgroupTree(dk.cgroupParent);
    if (work) rmSync(work, { recursive: true, force: true });
    hostPaths.remove();
  });

  describe.each(runtimes())('with $name as the runtime', (rt: Runtime) => {
    const name = PrivateDockerd.runtimeName(rt);
    const runArgs = (extra: string[] = []) => ['run', '--runtime', name, '--network', 'none', ...extra, image];
    const rtState = (id: string) => run(rt.path, ['--root', dk.runtimeRoot(rt), 'state', id]);
    const inspect = (c: string, fmt: string) => dk.docker(['inspect', '--format', fmt, c]).stdout.trim();

    it('run --rm: output and exit status', () => {
      const r = dk.docker([...runArgs(['--rm']), '/bin/echo', 'hello from', rt.name]);
      expect(r.stdout).toBe(`hello from ${rt.name}\n`);
      expect(r.status, r.stderr).toBe(0);
      expect(dk.docker([...runArgs(['--rm']), '/bin/sh', '-c', 'exit 6']).status).toBe(6);
    });

    it('detached: exec, top, pause/unpause, update, stats, stop, rm', () => {
      const c = `${name}-d`;
      const script = 'trap "echo got-term; exit 0" TERM; echo started; while true; do sleep 0.1; done';
      const d = dk.docker([...runArgs(['-d', '--name', c]), '/bin/sh', '-c', script]);
      expect(d.status, d.stderr).toBe(0);
      const id = d.stdout.trim();
      try {
        expect(inspect(c, '{{.HostConfig.Runtime}}')).toBe(name);
        const st = rtState(id);
        expect(st.status, `${rt.name} state: ${st.stderr}`).toBe(0);
        expect(JSON.parse(st.stdout).pid).toBe(Number(inspect(c, '{{.State.Pid}}')));

        const e = dk.docker(['exec', c, '/bin/sh', '-c', 'echo in-exec; exit 4']);
        expect(e.stdout).toBe('in-exec\n');
        expect(e.status).toBe(4);

        // docker top -> containerd task ps -> `<runtime> ps --format json`
        const top = dk.docker(['top', c]);
        expect(top.status, top.stderr).toBe(0);
        expect(top.stdout).toContain('trap');

        expect(dk.docker(['pause', c]).status).toBe(0);
        expect(inspect(c, '{{.State.Status}}')).toBe('paused');
        expect(JSON.parse(rtState(id).stdout).status).toBe('paused');
        expect(dk.docker(['unpause', c]).status).toBe(0);
        expect(JSON.parse(rtState(id).stdout).status).toBe('running');

        // docker update -> Tasks.Update -> `<runtime> update --resources - ID`
        const u = dk.docker(['update', '--memory', '64m', '--memory-swap', '64m', '--pids-limit', '77', c]);
        expect(u.status, u.stderr).toBe(0);
        expect(inspect(c, '{{.HostConfig.Memory}}')).toBe(String(64 * 1024 * 1024));
        const stats = dk.docker(['stats', '--no-stream', '--format', '{{.MemUsage}} {{.PIDs}}', c]);
        expect(stats.stdout).toMatch(/\/ 64MiB \d+\n/);

        const s = dk.docker(['stop', '-t', '20', c]);
        expect(s.status, s.stderr).toBe(0);
        expect(inspect(c, '{{.State.ExitCode}}')).toBe('0');
        expect(dk.docker(['logs', c]).stdout).toBe('started\ngot-term\n');
      } finally {
        expect(dk.docker(['rm', '-f', c]).status).toBe(0);
      }
      expect(existsSync(join(dk.runtimeRoot(rt), id))).toBe(false);
    });

    it('a terminal (docker run -t) through --console-socket', () => {
      const cmd = [dockerClient(), '-H', `unix://${dk.sock}`, ...runArgs(['--rm', '-t']), '/bin/sh', '-c', "'test -t 0 && test -t 1 && echo tty-yes; exit 3'"];
      const r = run('script', ['-qec', cmd.join(' '), '/dev/null'], { env: { ...process.env, DOCKER_CONFIG: join(dk.dir, 'client') } });
      expect(r.stdout).toMatch(/tty-yes\r+\n/);
      expect(r.status).toBe(3);
    });

    it("a missing executable: exit 127, and the runtime's message reaches the user", () => {
      const r = dk.docker([...runArgs(['--rm']), '/bin/no-such-program']);
      expect(r.status).toBe(127);
      expect(r.stderr).toContain('/bin/no-such-program');
      expect(r.stderr).toContain('no such file or directory');
    });
  });
});
