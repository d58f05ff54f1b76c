// Rootless Podman (Debian 4.3, conmon) as a non-root user with subuid/subgid ranges, driving
// berth and runc side by side with the same scenarios. Podman runs the OCI runtime inside its
// own user namespace (root there, the user outside) and, on cgroup v1, without a cgroup of its
// own. The user, its HOME, XDG_RUNTIME_DIR, vfs storage and config files are made for the run
// and removed after (test/helpers/rootless-user.ts), with its processes (Podman's pause process
// holding the user namespace among them), each ended by PID.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { chownSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { makeBusyboxRootfs } from '../helpers/rootfs.js';
import { makeRootlessUser, rootlessToolsMissing, type RootlessUser } from '../helpers/rootless-user.js';
import { PODMAN_PROGRAMS } from './helpers/podman.js';
import { CACHE_DIR } from '../../src/seccomp/cache.js';
import { announceSkip, runtimes, whyNot, type Runtime } from './helpers/env.js';

const why = whyNot(PODMAN_PROGRAMS) ?? rootlessToolsMissing();
announceSkip('podman-rootless', why);
const IMAGE = 'localhost/berth-busybox:latest';

describe.skipIf(!!why)(`rootless podman${why ? ` (skipped: ${why})` : ''}`, () => {
  let u: RootlessUser;
  let env: Record<string, string>;

  const podman = (args: string[], timeout = 60_000) => u.run('podman', args, { env, timeout });
  const runtimePath = (rt: Runtime) => (rt.name === 'berth' ? u.berth : rt.path);

  beforeAll(() => {
    u = makeRootlessUser();
    const conf = join(u.dir, 'containers.conf');
    const storage = join(u.dir, 'storage.conf');
    writeFileSync(conf, [
      '[containers]',
      'netns = "none"',
      '[engine]',
      'cgroup_manager = "cgroupfs"',
      'events_logger = "file"',
      '',
    ].join('\n'));
    writeFileSync(storage, ['[storage]', 'driver = "vfs"', `graphroot = "${u.home}/storage"`, `runroot = "${u.xdg}/containers"`, ''].join('\n'));
    env = { CONTAINERS_CONF: conf, CONTAINERS_STORAGE_CONF: storage };
    const work = join(u.dir, 'image');
    mkdirSync(work);
    const rootfs = makeBusyboxRootfs(work);
    const tar = join(u.dir, 'rootfs.tar');
    execFileSync('tar', ['-C', rootfs, '-cf', tar, '.']);
    chownSync(tar, u.uid, u.gid);
    const r = podman(['import', tar, IMAGE]);
    if (r.status !== 0) throw new Error(`podman import: ${r.stderr}`);
  });

  afterAll(() => {
    if (!u) return;
    const ids = podman(['ps', '-aq']).stdout.split('\n').filter(Boolean);
    if (ids.length) podman(['rm', '-f', '-t', '0', ...ids]);
    u.remove();
  });

  describe.each(runtimes())('with $name as the OCI runtime', (rt: Runtime) => {
    const runArgs = (extra: string[] = []) => ['--runtime', runtimePath(rt), 'run', '--network', 'none', ...extra, IMAGE];

    it('run --rm: output, a clean exit, root inside is the user outside', () => {
      const name = `${rt.name}-rm`;
      const r = podman([...runArgs(['--rm', '--name', name]), '/bin/sh', '-c', `echo hello from ${rt.name}; id -u; cat /proc/self/uid_map`]);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const lines = r.stdout.trim().split('\n');
      expect(lines[0]).toBe(`hello from ${rt.name}`);
      expect(lines[1]).toBe('0');
      // Podman's user namespace: root is the user, the rest its subordinate range.
      expect(lines[2]!.trim().split(/\s+/)).toEqual(['0', String(u.uid), '1']);
      expect(podman(['ps', '-a', '--format', '{{.Names}}']).stdout.split('\n')).not.toContain(name);
    });

    it("the container's exit code is podman's", () => {
      expect(podman([...runArgs(['--rm']), '/bin/sh', '-c', 'exit 9']).status).toBe(9);
    });

    it('detached: exec, stop (SIGTERM reaches the init), rm -f', () => {
      const name = `${rt.name}-d`;
      const script = 'trap "echo got-term; exit 0" TERM; echo started; while true; do sleep 0.1; done';
      const d = podman([...runArgs(['-d', '--name', name]), '/bin/sh', '-c', script]);
      expect(d.status, d.stderr).toBe(0);
      try {
        expect(podman(['inspect', '--format', '{{.State.Status}}', name]).stdout.trim()).toBe('running');
        const e = podman(['exec', name, '/bin/sh', '-c', 'echo in-exec; exit 5']);
        expect(e.stdout).toBe('in-exec\n');
        expect(e.status).toBe(5);
        const s = podman(['stop', '-t', '20', name]);
        expect(s.status, s.stderr).toBe(0);
        expect(podman(['inspect', '--format', '{{.State.ExitCode}}', name]).stdout.trim()).toBe('0');
        expect(podman(['logs', name]).stdout).toBe('started\ngot-term\n');
      } finally {
        const rm = podman(['rm', '-f', '-t', '0', name]);
        expect(rm.status, rm.stderr).toBe(0);
      }
    });

    it('rm -f of a running container', () => {
      const name = `${rt.name}-rmf`;
      expect(podman([...runArgs(['-d', '--name', name]), '/bin/sleep', '1000']).status).toBe(0);
      const rm = podman(['rm', '-f', '-t', '0', name]);
      expect(rm.status, rm.stderr).toBe(0);
      expect(podman(['ps', '-a', '--format', '{{.Names}}']).stdout.split('\n')).not.toContain(name);
    });

    it('--userns=keep-id: the user keeps its own uid inside', () => {
      const r = podman([...runArgs(['--rm', '--userns=keep-id']), '/bin/sh', '-c', 'id -u; id -g']);
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(r.stdout).toBe(`${u.uid}\n${u.gid}\n`);
    });
  });

  it('nothing of the runtimes is left in the user\'s runtime dir (but berth\'s compiled-filter cache)', () => {
    for (const dir of ['berth', 'runc']) {
      const root = join(u.xdg, dir);
      const left = existsSync(root) ? execFileSync('ls', ['-A', root], { encoding: 'utf8' }).split('\n').filter((n) => n && n !== CACHE_DIR) : [];
      expect(left).toEqual([]);
    }
  });
});
