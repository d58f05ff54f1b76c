// Podman 4.3 (Debian) through conmon, driving berth and runc side by side with the same
// scenarios. Private storage, tmp dir and config files; see helpers/podman.ts.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBusyboxRootfs } from '../helpers/rootfs.js';
import { DEFAULT_ROOT } from '../../src/cli/globals.js';
import { PODMAN_PROGRAMS, PrivatePodman } from './helpers/podman.js';
import { announceSkip, hostPathsMadeBy, removeCgroupTree, run, runtimes, whyNot, type Runtime } from './helpers/env.js';

const why = whyNot(PODMAN_PROGRAMS);
announceSkip('podman', why);

/** Where each runtime keeps state when podman calls it without --root. */
const defaultRoot = (rt: Runtime) => (rt.name === 'berth' ? DEFAULT_ROOT : '/run/runc');

describe.skipIf(!!why)(`podman${why ? ` (skipped: ${why})` : ''}`, () => {
  let pm: PrivatePodman;
  let work: string;
  const hostPaths = hostPathsMadeBy(['/var/lib/containers'], runtimes().map(defaultRoot));

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'berth-podman-rootfs-'));
    const rootfs = makeBusyboxRootfs(work);
    pm = new PrivatePodman(runtimes());
    pm.importRootfs(rootfs);
  });

  afterAll(() => {
    pm?.stop();
    if (pm) removeCgroupTree(pm.cgroupParent);
    if (work) rmSync(work, { recursive: true, force: true });
    hostPaths.remove();
  });

  describe.each(runtimes())('with $name as the OCI runtime', (rt: Runtime) => {
    const runArgs = (extra: string[] = []) => ['run', ...pm.runFlags(rt), ...extra, pm.image];
    const rtState = (id: string) => run(rt.path, ['--root', defaultRoot(rt), 'state', id]);
    const inspect = (name: string, fmt: string) => pm.podman(['inspect', '--format', fmt, name]).stdout.trim();

    it('run --rm: output and a clean exit, nothing left', () => {
      const name = `${rt.name}-rm`;
      const r = pm.podman([...runArgs(['--rm', '--name', name]), '/bin/echo', 'hello from', rt.name]);
      expect(r.stderr).toBe('');
      expect(r.stdout).toBe(`hello from ${rt.name}\n`);
      expect(r.status).toBe(0);
      expect(pm.podman(['ps', '-a', '--format', '{{.Names}}']).stdout.split('\n')).not.toContain(name);
    });

    it("the container's exit code is podman's", () => {
      const r = pm.podman([...runArgs(['--rm']), '/bin/sh', '-c', 'exit 9']);
      expect(r.status).toBe(9);
    });

    it('detached: exec, pause/unpause, stop (SIGTERM reaches the init), rm', () => {
      const name = `${rt.name}-d`;
      const script = 'trap "echo got-term; exit 0" TERM; echo started; while true; do sleep 0.1; done';
      const d = pm.podman([...runArgs(['-d', '--name', name]), '/bin/sh', '-c', script]);
      expect(d.status, d.stderr).toBe(0);
      const id = d.stdout.trim();
      try {
        expect(inspect(name, '{{.OCIRuntime}}')).toBe(rt.name);
        const st = rtState(id);
        expect(st.status, `${rt.name} state: ${st.stderr}`).toBe(0);
        expect(JSON.parse(st.stdout).status).toBe('running');
        expect(JSON.parse(st.stdout).pid).toBe(Number(inspect(name, '{{.State.Pid}}')));

        const e = pm.podman(['exec', name, '/bin/sh', '-c', 'echo in-exec; exit 5']);
        expect(e.stdout).toBe('in-exec\n');
        expect(e.status).toBe(5);

        expect(pm.podman(['pause', name]).status).toBe(0);
        expect(inspect(name, '{{.State.Status}}')).toBe('paused');
        expect(JSON.parse(rtState(id).stdout).status).toBe('paused');
        expect(pm.podman(['unpause', name]).status).toBe(0);
        expect(JSON.parse(rtState(id).stdout).status).toBe('running');

        const s = pm.podman(['stop', '-t', '20', name]);
        expect(s.status, s.stderr).toBe(0);
        expect(inspect(name, '{{.State.ExitCode}}')).toBe('0');
        expect(pm.podman(['logs', name]).stdout).toBe('started\ngot-term\n');
      } finally {
        const rm = pm.podman(['rm', '-f', '-t', '0', name]);
        expect(rm.status, rm.stderr).toBe(0);
      }
      expect(existsSync(join(defaultRoot(rt), id))).toBe(false);
    });

    it("a create error: an rlimit the kernel refuses, and the runtime's message reaches the user", () => {
      const over = Number(readFileSync('/proc/sys/fs/nr_open', 'utf8')) + 1;
      const r = pm.podman([...runArgs(['--rm', '--ulimit', `nofile=${over}:${over}`]), '/bin/true']);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/rlimit/i);
      expect(r.stderr).toContain('operation not permitted');
    });
  });
});
