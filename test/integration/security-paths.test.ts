import { describe, it, expect, afterEach } from 'vitest';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { berth, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../helpers/bundle.js';
import { cgroupDirsNamed } from '../helpers/leaks.js';

const run = isRoot() && haveBuild() ? describe : describe.skip;

function mountTargets(): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter(Boolean).map((l) => l.split(' ')[4]!);
}

/** The default config without its /dev tmpfs: the rootfs's own /dev is used. */
function withoutDevTmpfs(c: any): void {
  c.mounts = c.mounts.filter((m: any) => m.destination !== '/dev');
}

// Symlinks and replaced files in a hostile rootfs (CVE-2021-30465, CVE-2025-31133,
// CVE-2025-52565 classes): whatever the rootfs holds, nothing on the host is mounted on,
// written or shown to the container.
run('hostile rootfs paths', () => {
  let b: TestBundle;
  let host: string;
  let before: string[];
  afterEach(() => {
    b?.cleanup();
    rmSync(host, { recursive: true, force: true });
  });

  function hostDir(): string {
    host = mkdtempSync(join(tmpdir(), 'berth-host-'));
    writeFileSync(join(host, 'secret'), 'host-secret\n');
    before = mountTargets();
    return host;
  }

  /** The host dir is as it was, the host mount table too, and nothing of the container is left. */
  function hostUntouched(id: string): void {
    expect(readdirSync(host).sort()).toEqual(['secret']);
    expect(readFileSync(join(host, 'secret'), 'utf8')).toBe('host-secret\n');
    berth(b, ['delete', '--force', id]);
    expect(mountTargets()).toEqual(before);
    expect(cgroupDirsNamed(b.config.linux.cgroupsPath.split('/').pop())).toEqual([]);
  }

  for (const noPivot of [false, true]) {
    it(`a rootfs that is itself a symlink works${noPivot ? ' (--no-pivot)' : ''}, with its own /proc`, () => {
      hostDir();
      b = makeBundle(['sh', '-c', 'cat /proc/1/comm; cat /secret 2>/dev/null || echo no-secret']);
      symlinkSync('rootfs', join(b.dir, 'rootlink'));
      b.config.root.path = 'rootlink';
      b.write();
      const id = uniqueId();
      const r = berth(b, ['run', ...(noPivot ? ['--no-pivot'] : []), '--bundle', b.dir, id]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toBe('sh\nno-secret\n');
      hostUntouched(id);
    });
  }

  for (const name of ['proc', 'sys', 'dev', 'dev/pts']) {
    it(`/${name} in the rootfs as a symlink to a host dir: mounts land inside the rootfs`, () => {
      hostDir();
      b = makeBundle(['sh', '-c', 'cat /proc/1/comm; ls /dev/null /sys/kernel >/dev/null && echo ok; cat /proc/../secret 2>/dev/null || echo no-secret'], name === 'dev/pts' ? withoutDevTmpfs : undefined);
      rmSync(join(b.rootfs, name), { recursive: true, force: true });
      mkdirSync(join(b.rootfs, name, '..'), { recursive: true });
      symlinkSync(host, join(b.rootfs, name));
      const id = uniqueId();
      const r = berth(b, ['run', '--bundle', b.dir, id]);
      if (r.status === 0) {
        expect(r.stdout).toContain('no-secret');
        // Resolved inside the root: the host path was made under the rootfs.
        expect(existsSync(join(b.rootfs, host))).toBe(true);
      } else {
        expect(r.stderr).toMatch(/^create \S+: .+/m);
      }
      hostUntouched(id);
    });
  }

  for (const kind of ['a symlink to a host file', 'a regular file', 'another char device (1:5)']) {
    it(`a masked path's /dev/null replaced by ${kind} is refused (CVE-2025-31133 class)`, () => {
      hostDir();
      b = makeBundle(['cat', '/etc/masked'], (c) => {
        withoutDevTmpfs(c);
        c.linux.maskedPaths = ['/etc/masked'];
      });
      writeFileSync(join(b.rootfs, 'etc/masked'), 'must-not-show\n');
      const devNull = join(b.rootfs, 'dev/null');
      if (kind.startsWith('a symlink')) symlinkSync(join(host, 'secret'), devNull);
      else if (kind === 'a regular file') writeFileSync(devNull, 'fake\n');
      else execFileSync('mknod', ['-m', '666', devNull, 'c', '1', '5']);
      const id = uniqueId();
      const r = berth(b, ['run', '--bundle', b.dir, id]);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/mask \/etc\/masked: .*\/dev\/null/);
      expect(r.stdout).toBe('');
      hostUntouched(id);
    });
  }

  it('/dev/console a symlink to a host file: the terminal never reaches it (CVE-2025-52565 class)', () => {
    hostDir();
    b = makeBundle(['sh', '-c', 'tty; echo via-console > /dev/console 2>/dev/null; echo done'], (c) => {
      withoutDevTmpfs(c);
      c.process.terminal = true;
    });
    execFileSync('mknod', ['-m', '666', join(b.rootfs, 'dev/null'), 'c', '1', '3']);
    symlinkSync('pts/ptmx', join(b.rootfs, 'dev/ptmx'));
    symlinkSync(join(host, 'secret'), join(b.rootfs, 'dev/console'));
    const id = uniqueId();
    const r = berth(b, ['run', '--bundle', b.dir, id]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('/dev/pts/0');
    expect(r.stdout).toContain('done');
    hostUntouched(id);
  });

  it('a bind source inside the rootfs reached through a container symlink stays inside the rootfs', () => {
    hostDir();
    b = makeBundle(['sh', '-c', 'cat /mnt/secret 2>/dev/null || echo no-secret; cat /mnt/inside']);
    // The image's /data is a symlink to a host path; inside the root that path is a dir of the
    // image's own.
    symlinkSync(host, join(b.rootfs, 'data'));
    mkdirSync(join(b.rootfs, host), { recursive: true });
    writeFileSync(join(b.rootfs, host, 'inside'), 'image-file\n');
    b.config.mounts.push({ destination: '/mnt', type: 'bind', source: join(b.rootfs, 'data'), options: ['rbind', 'ro'] });
    b.write();
    const id = uniqueId();
    const r = berth(b, ['run', '--bundle', b.dir, id]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('no-secret\nimage-file\n');
    hostUntouched(id);
  });

  it('tmpcopyup on a destination that is a symlink to a host dir stays inside the rootfs', () => {
    hostDir();
    b = makeBundle(['sh', '-c', 'grep -c " /work " /proc/self/mountinfo; cat /work/secret 2>/dev/null || echo no-secret']);
    symlinkSync(host, join(b.rootfs, 'work'));
    b.config.mounts.push({ destination: '/work', type: 'tmpfs', source: 'tmpfs', options: ['tmpcopyup', 'size=64k'] });
    b.write();
    const id = uniqueId();
    const r = berth(b, ['run', '--bundle', b.dir, id]);
    if (r.status === 0) expect(r.stdout).toContain('no-secret');
    else expect(r.stderr).toMatch(/^create \S+: .+/m);
    hostUntouched(id);
  });
});
