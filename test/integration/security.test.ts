import { describe, it, expect, afterEach } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, symlinkSync, openSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { spawnSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { berth, haveBuild, isRoot, makeBundle, uniqueId, REPO, type TestBundle } from '../helpers/bundle.js';

const run = isRoot() && haveBuild() ? describe : describe.skip;

function mountTargets(): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter(Boolean).map((l) => l.split(' ')[4]!);
}

run('security lessons', () => {
  let b: TestBundle;
  let host: string | undefined;
  afterEach(() => {
    b?.cleanup();
    if (host) rmSync(host, { recursive: true, force: true });
    host = undefined;
  });

  it('mount destinations through symlinks land inside the rootfs (CVE-2021-30465 family)', () => {
    host = mkdtempSync(join(tmpdir(), 'berth-host-'));
    b = makeBundle(['sh', '-c', 'grep -c " /abs/x \\| /rel/y " /proc/self/mountinfo; ls -d /target*/x /target*/y 2>/dev/null | sort']);
    // An absolute symlink to a host dir and a relative one climbing out of the rootfs.
    symlinkSync(host, join(b.rootfs, 'abs'));
    symlinkSync('../../../../../../../..' + host, join(b.rootfs, 'rel'));
    b.config.mounts.push({ destination: '/abs/x', type: 'tmpfs', source: 'tmpfs', options: ['size=64k'] });
    b.config.mounts.push({ destination: '/rel/y', type: 'tmpfs', source: 'tmpfs', options: ['size=64k'] });
    b.write();
    const before = mountTargets();
    const r = berth(b, ['run', '--bundle', b.dir, uniqueId()]);
    // Nothing appeared in the host dir, nothing in the host mount table.
    expect(existsSync(join(host, 'x'))).toBe(false);
    expect(existsSync(join(host, 'y'))).toBe(false);
    expect(mountTargets()).toEqual(before);
    if (r.status === 0) {
      // Resolved inside the rootfs: the host path recreated under the container root.
      expect(existsSync(join(b.rootfs, host, 'x')) || existsSync(join(b.rootfs, host, 'y'))).toBe(true);
    } else {
      expect(r.stderr).toMatch(/mount tmpfs on \/(abs|rel)/);
    }
  });

  it('a cwd symlink pointing outside stays inside the container root', () => {
    host = mkdtempSync(join(tmpdir(), 'berth-host-'));
    writeFileSync(join(host, 'secret'), 'host-secret');
    b = makeBundle(['sh', '-c', 'cat secret 2>/dev/null || echo no-secret; pwd']);
    symlinkSync(`../../../../../../..${host}`, join(b.rootfs, 'work'));
    b.config.process.cwd = '/work';
    b.write();
    const r = berth(b, ['run', '--bundle', b.dir, uniqueId()]);
    expect(r.stdout).not.toContain('host-secret');
  });

  it('the container process sees only stdio and preserved fds (CVE-2024-21626)', () => {
    b = makeBundle(['sh', '-c', 'ls /proc/self/fd']);
    const r = berth(b, ['run', '--bundle', b.dir, uniqueId()]);
    expect(r.status, r.stderr).toBe(0);
    // ls itself opens one fd (3) for the directory it lists.
    expect(r.stdout.trim().split(/\s+/).sort()).toEqual(['0', '1', '2', '3']);
  });

  it('--preserve-fds passes exactly the extra fds', () => {
    b = makeBundle(['sh', '-c', 'ls /proc/self/fd; cat <&3']);
    const file = join(b.dir, 'passed.txt');
    writeFileSync(file, 'through-fd-3\n');
    const fd = openSync(file, 'r');
    const r = spawnSync(join(REPO, 'bin/berth'), ['--root', b.root, 'run', '--preserve-fds', '1', '--bundle', b.dir, uniqueId()], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe', fd],
    });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('through-fd-3');
    expect(r.stdout.split('\n').slice(0, 5).filter((l) => /^\d+$/.test(l)).sort()).toEqual(['0', '1', '2', '3', '4']);
  });

  it('the init runs from a sealed memfd: /proc/PID/exe cannot write the host binary (CVE-2019-5736)', () => {
    b = makeBundle(['sleep', '100']);
    const id = uniqueId();
    const initBin = join(REPO, 'dist/native/berth-init');
    const hash = () => createHash('sha256').update(readFileSync(initBin)).digest('hex');
    const h0 = hash();
    expect(berth(b, ['create', '--bundle', b.dir, id]).status).toBe(0);
    const pid = JSON.parse(berth(b, ['state', id]).stdout).pid;
    expect(readlinkSync(`/proc/${pid}/exe`)).toMatch(/^\/memfd:/);
    expect(() => openSync(`/proc/${pid}/exe`, 'r+')).toThrow(/EPERM|ETXTBSY|EACCES/);
    expect(hash()).toBe(h0);
  });

  it('mkdir of mount points never follows a symlink to the host', () => {
    host = mkdtempSync(join(tmpdir(), 'berth-host-'));
    b = makeBundle(['true']);
    mkdirSync(join(b.rootfs, 'srv'));
    symlinkSync(host, join(b.rootfs, 'srv', 'link'));
    b.config.mounts.push({ destination: '/srv/link/deep/er', type: 'tmpfs', source: 'tmpfs' });
    b.write();
    berth(b, ['run', '--bundle', b.dir, uniqueId()]);
    expect(existsSync(join(host, 'deep'))).toBe(false);
  });
});
