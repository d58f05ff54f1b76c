import { describe, it, expect, afterEach } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { berth, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../helpers/bundle.js';

const run = isRoot() && haveBuild() ? describe : describe.skip;
const BAIT = 'host-content\n';

// CVE-2025-52881 class: the runtime writes procfs files (sysctls, oom_score_adj, LSM attributes)
// after the config's mounts. A bundle that mounts a host file or dir over /proc or a file in it
// must not get the runtime to write into the host file.
run('procfs writes cannot be redirected', () => {
  let b: TestBundle;
  let host: string;
  afterEach(() => {
    b?.cleanup();
    rmSync(host, { recursive: true, force: true });
  });

  function hostFile(rel: string): string {
    host = mkdtempSync(join(tmpdir(), 'berth-host-'));
    const f = join(host, rel);
    mkdirSync(join(f, '..'), { recursive: true });
    writeFileSync(f, BAIT);
    return f;
  }

  /** With rootfs/p -> proc: run -d; the host file keeps its content; returns the init's pid. */
  function runDetachedThroughP(f: string): number {
    symlinkSync('proc', join(b.rootfs, 'p'));
    const id = uniqueId();
    const r = berth(b, ['run', '-d', '--bundle', b.dir, id]);
    expect(readFileSync(f, 'utf8')).toBe(BAIT);
    expect(r.status, r.stderr).toBe(0);
    return JSON.parse(berth(b, ['state', id]).stdout).pid;
  }

  for (const [what, rel, mount, error] of [
    ['a host dir bind-mounted over /proc', 'sys/kernel/domainname', (_f: string) => ({ destination: '/proc', type: 'bind', source: host, options: ['rbind'] }), /\/proc can only be a mount of type proc/],
    ['a host file bind-mounted over /proc/sys/kernel/domainname', 'domainname', (f: string) => ({ destination: '/proc/sys/kernel/domainname', type: 'bind', source: f, options: ['bind'] }), /\/proc\/sys\/kernel\/domainname is inside \/proc/],
  ] as const) {
    it(`${what} is refused`, () => {
      const f = hostFile(rel);
      b = makeBundle(['true'], (c) => {
        c.mounts.push(mount(f));
        c.linux.sysctl = { 'kernel.domainname': 'evil' };
      });
      const r = berth(b, ['run', '--bundle', b.dir, uniqueId()]);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(error);
      expect(readFileSync(f, 'utf8')).toBe(BAIT);
    });
  }

  // The same two tricks through a symlink in the rootfs, which the config check cannot see:
  // the init's procfs handle must still not reach the host file.
  it('through a rootfs symlink to /proc: the sysctl goes to the kernel, not the host file', () => {
    const f = hostFile('domainname');
    b = makeBundle(['sleep', '100'], (c) => {
      c.mounts.push({ destination: '/p/sys/kernel/domainname', type: 'bind', source: f, options: ['bind'] });
      c.linux.sysctl = { 'kernel.domainname': 'evil' };
    });
    const pid = runDetachedThroughP(f);
    // Written through a fresh procfs: the container's uts namespace has it (seen from the host
    // in that namespace; inside, the path shows the host file mounted there).
    const uts = spawnSync('nsenter', ['--uts', '-t', String(pid), 'cat', '/proc/sys/kernel/domainname'], { encoding: 'utf8' });
    expect(uts.stdout.trim()).toBe('evil');
  });

  it('through a rootfs symlink: a host dir over the whole /proc does not take the sysctl', () => {
    const f = hostFile('sys/kernel/domainname');
    b = makeBundle(['true'], (c) => {
      c.mounts.push({ destination: '/pp', type: 'bind', source: host, options: ['rbind'] });
      c.linux.sysctl = { 'kernel.domainname': 'evil' };
    });
    symlinkSync('proc', join(b.rootfs, 'pp'));
    const r = berth(b, ['run', '--bundle', b.dir, uniqueId()]);
    expect(readFileSync(f, 'utf8')).toBe(BAIT);
    // The container cannot work without a procfs at /proc (the init mounts through
    // /proc/self/fd): a clear error, or a container whose sysctl went to the kernel.
    if (r.status !== 0) expect(r.stderr).toMatch(/^create \S+: .+: .+/m);
  });

  it('through a rootfs symlink: oom_score_adj goes to the process, not a host file over /proc/self/oom_score_adj', () => {
    const f = hostFile('oom');
    b = makeBundle(['sleep', '100'], (c) => {
      c.mounts.push({ destination: '/p/self/oom_score_adj', type: 'bind', source: f, options: ['bind'] });
      c.process.oomScoreAdj = 123;
    });
    const pid = runDetachedThroughP(f);
    expect(readFileSync(`/proc/${pid}/oom_score_adj`, 'utf8').trim()).toBe('123');
  });
});
