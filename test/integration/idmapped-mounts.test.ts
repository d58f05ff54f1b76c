import { describe, it, expect, afterEach } from 'vitest';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { BERTH, berth, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../helpers/bundle.js';
import { snapshot } from '../helpers/leaks.js';

const run = isRoot() && haveBuild() ? describe : describe.skip;

const USERNS_HOST = 200000;

/**
 * Mount points made in the rootfs beforehand: it belongs to the host's root, which the
 * container's root in a user namespace is not (it could not mkdir them; runc neither).
 */
function mountPoints(b: TestBundle, ...dirs: string[]): void {
  for (const d of dirs) mkdirSync(join(b.rootfs, d), { recursive: true });
}

/** A new user namespace for the container: container 0..65535 are host 200000..265535. */
function userns(c: any): void {
  c.linux.namespaces.push({ type: 'user' });
  c.linux.uidMappings = [{ containerID: 0, hostID: USERNS_HOST, size: 65536 }];
  c.linux.gidMappings = [{ containerID: 0, hostID: USERNS_HOST, size: 65536 }];
  // sysfs needs a network namespace owned by the user namespace; not what these tests are about.
  c.mounts = c.mounts.filter((m: any) => !['/sys', '/sys/fs/cgroup'].includes(m.destination));
}

/** CAP_CHOWN for the container's process (runc's default set lacks it). */
function canChown(c: any): void {
  for (const set of ['bounding', 'effective', 'permitted']) c.process.capabilities[set] = [...(c.process.capabilities[set] ?? []), 'CAP_CHOWN'];
}

/** A host dir (and a file f in it) owned by uid:gid. */
function ownedDir(parent: string, name: string, uid: number): string {
  const d = join(parent, name);
  mkdirSync(d);
  writeFileSync(join(d, 'f'), 'host\n');
  chownSync(d, uid, uid);
  chownSync(join(d, 'f'), uid, uid);
  return d;
}

function owner(path: string): string {
  const st = statSync(path);
  return `${st.uid}:${st.gid}`;
}

function sh(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')}: ${r.stderr}`);
}

/** Is the mount at `dest` in the mountinfo text idmapped (the kernel's "idmapped" mount option)? */
function idmappedIn(mountinfo: string, dest: string): boolean {
  return mountinfo.split('\n').some((l) => l.split(' ')[4] === dest && l.split(' ')[5]!.split(',').includes('idmapped'));
}

run('idmapped mounts (mounts[].uidMappings/gidMappings, idmap, ridmap)', () => {
  const made: TestBundle[] = [];
  const hostMounts: string[] = [];
  const dirs: string[] = [];
  afterEach(() => {
    for (const m of hostMounts.splice(0).reverse()) spawnSync('umount', [m]);
    for (const b of made.splice(0)) b.cleanup();
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  function runIn(script: string, edit: (c: any, b: TestBundle) => void): { status: number | null; out: string; err: string; b: TestBundle } {
    const b = makeBundle(['sh', '-c', script]);
    made.push(b);
    edit(b.config, b);
    b.write();
    const r = berth(b, ['run', '--bundle', b.dir, uniqueId('idm')]);
    return { status: r.status, out: r.stdout, err: r.stderr, b };
  }

  it('user-namespaced container: a dir owned by 100000 reads as root inside; what it writes lands as 100000; ids outside the mount map are refused', () => {
    let src = '';
    const r = runIn(
      [
        'stat -c %u:%g /data /data/f',
        'echo new > /data/new && stat -c %u:%g /data/new',
        'busybox chown 1:1 /data/f && stat -c %u:%g /data/f',
        // 5000 is in the container's user namespace, not in the mount's 1000 ids: EOVERFLOW.
        'busybox chown 5000 /data/new 2>&1 || echo refused-5000',
        'grep " /data " /proc/self/mountinfo',
      ].join('; '),
      (c, b) => {
        userns(c);
        canChown(c);
        mountPoints(b, 'data');
        src = ownedDir(b.dir, 'src', 100000);
        // No "idmap" option: mappings alone make the mount idmapped (runc 1.2).
        c.mounts.push({
          destination: '/data', source: src, type: 'bind', options: ['bind'],
          uidMappings: [{ containerID: 100000, hostID: USERNS_HOST, size: 1000 }],
          gidMappings: [{ containerID: 100000, hostID: USERNS_HOST, size: 1000 }],
        });
      },
    );
    expect(r.status, r.err).toBe(0);
    const lines = r.out.split('\n');
    expect(lines.slice(0, 6), r.err).toEqual(['0:0', '0:0', '0:0', '1:1', 'chown: /data/new: Value too large for defined data type', 'refused-5000']);
    expect(lines[6]).toMatch(/\bidmapped\b/);
    // From the host: the container's root wrote as 100000, its uid 1 is 100001, nothing else moved.
    expect(owner(join(src, 'new'))).toBe('100000:100000');
    expect(owner(join(src, 'f'))).toBe('100001:100001');
    expect(owner(src)).toBe('100000:100000');
  });

  it('container without a user namespace: the mount map alone decides what it sees and writes', () => {
    let src = '';
    const r = runIn(
      [
        'stat -c %u:%g /data /data/f',
        'echo new > /data/new && stat -c %u:%g /data/new',
        'busybox chown 5 /data/new 2>&1 || echo refused-5',
      ].join('; '),
      (c, b) => {
        canChown(c);
        src = ownedDir(b.dir, 'src', 100000);
        c.mounts.push({
          destination: '/data', source: src, type: 'bind', options: ['rbind', 'idmap'],
          uidMappings: [{ containerID: 100000, hostID: 0, size: 1 }],
          gidMappings: [{ containerID: 100000, hostID: 0, size: 1 }],
        });
      },
    );
    expect(r.status, r.err).toBe(0);
    expect(r.out).toBe('0:0\n0:0\n0:0\nchown: /data/new: Value too large for defined data type\nrefused-5\n');
    expect(owner(join(src, 'new'))).toBe('100000:100000');
  });

  it('"idmap" without mappings takes the container\'s user namespace maps (Kubernetes hostUsers: false)', () => {
    let src = '';
    const r = runIn('stat -c %u:%g /data /data/f /plain/f; echo new > /data/new; grep -E " /(data|plain) " /proc/self/mountinfo', (c, b) => {
      userns(c);
      mountPoints(b, 'data', 'plain');
      src = ownedDir(b.dir, 'src', 0);
      c.mounts.push({ destination: '/data', source: src, type: 'bind', options: ['bind', 'idmap'] });
      // The same dir without idmap: host root is not mapped in the container (the overflow id).
      c.mounts.push({ destination: '/plain', source: src, type: 'bind', options: ['bind', 'ro'] });
    });
    expect(r.status, r.err).toBe(0);
    const lines = r.out.trim().split('\n');
    expect(lines.slice(0, 3)).toEqual(['0:0', '0:0', '65534:65534']);
    const mountinfo = lines.slice(3).join('\n');
    expect(idmappedIn(mountinfo, '/data')).toBe(true);
    expect(idmappedIn(mountinfo, '/plain')).toBe(false);
    expect(owner(join(src, 'new'))).toBe('0:0');
  });

  it('ridmap idmaps the submounts of an rbind; idmap only its top', () => {
    let top = '';
    const r = runIn('stat -c %u:%g /r /r/sub/f /i /i/sub/f; grep -E " /(r|i)(/sub)? " /proc/self/mountinfo', (c, b) => {
      userns(c);
      mountPoints(b, 'r', 'i');
      top = ownedDir(b.dir, 'top', 100000);
      const subSrc = ownedDir(b.dir, 'subsrc', 100000);
      mkdirSync(join(top, 'sub'));
      sh('mount', ['--bind', subSrc, join(top, 'sub')]);
      hostMounts.push(join(top, 'sub'));
      const maps = [{ containerID: 100000, hostID: USERNS_HOST, size: 65536 }];
      c.mounts.push({ destination: '/r', source: top, type: 'bind', options: ['rbind', 'ridmap'], uidMappings: maps, gidMappings: maps });
      c.mounts.push({ destination: '/i', source: top, type: 'bind', options: ['rbind', 'idmap'], uidMappings: maps, gidMappings: maps });
    });
    expect(r.status, r.err).toBe(0);
    const lines = r.out.trim().split('\n');
    // /i/sub is not idmapped: 100000 is not mapped in the container's user namespace.
    expect(lines.slice(0, 4)).toEqual(['0:0', '0:0', '0:0', '65534:65534']);
    const mountinfo = lines.slice(4).join('\n');
    expect(['/r', '/r/sub', '/i'].map((d) => idmappedIn(mountinfo, d))).toEqual([true, true, true]);
    expect(idmappedIn(mountinfo, '/i/sub')).toBe(false);
  });

  it('a userns joined by path: "idmap" takes that namespace', () => {
    const holder = makeBundle(['sleep', '100'], userns);
    made.push(holder);
    const hid = uniqueId('idm');
    expect(berth(holder, ['run', '-d', '--bundle', holder.dir, hid]).status).toBe(0);
    const pid = JSON.parse(berth(holder, ['state', hid]).stdout).pid;
    let src = '';
    const r = runIn('stat -c %u:%g /data/f; id -u', (c, b) => {
      c.linux.namespaces.push({ type: 'user', path: `/proc/${pid}/ns/user` });
      c.mounts = c.mounts.filter((m: any) => !['/sys', '/sys/fs/cgroup'].includes(m.destination));
      mountPoints(b, 'data');
      src = ownedDir(b.dir, 'src', 0);
      c.mounts.push({ destination: '/data', source: src, type: 'bind', options: ['bind', 'idmap'] });
    });
    expect(r.status, r.err).toBe(0);
    expect(r.out).toBe('0:0\n0\n');
  });

  it('a single file, read-only, recursive attributes, with --no-pivot: flags apply on top of the mapping', () => {
    const b = makeBundle(['sh', '-c', 'stat -c %u:%g /etc/idfile /ro/f; cat /etc/idfile; (echo x >> /etc/idfile) 2>/dev/null && echo rw || echo ro; touch /ro/g 2>/dev/null && echo rw || echo ro']);
    made.push(b);
    const file = join(b.dir, 'idfile');
    writeFileSync(file, 'mapped\n');
    chownSync(file, 100000, 100000);
    const dir = ownedDir(b.dir, 'rodir', 100000);
    const maps = [{ containerID: 100000, hostID: 0, size: 1 }];
    b.config.mounts.push({ destination: '/etc/idfile', source: file, type: 'bind', options: ['bind', 'ro'], uidMappings: maps, gidMappings: maps });
    b.config.mounts.push({ destination: '/ro', source: dir, type: 'bind', options: ['rbind', 'rro', 'idmap'], uidMappings: maps, gidMappings: maps });
    b.write();
    const r = berth(b, ['run', '--no-pivot', '--bundle', b.dir, uniqueId('idm')]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('0:0\n0:0\nmapped\nro\nro\n');
    expect(readFileSync(file, 'utf8')).toBe('mapped\n');
  });

  it('the destination is resolved inside the rootfs: a symlink to a host dir does not take the idmapped mount out', () => {
    const host = mkdtempSync(join(tmpdir(), 'berth-host-'));
    dirs.push(host);
    const mountsBefore = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4]);
    let src = '';
    const r = runIn('stat -c %u:%g /abs/x/f', (c, b) => {
      src = ownedDir(b.dir, 'src', 100000);
      symlinkSync(host, join(b.rootfs, 'abs'));
      c.mounts.push({ destination: '/abs/x', source: src, type: 'bind', options: ['bind'], uidMappings: [{ containerID: 100000, hostID: 0, size: 1 }], gidMappings: [{ containerID: 100000, hostID: 0, size: 1 }] });
    });
    expect(r.status, r.err).toBe(0);
    expect(r.out).toBe('0:0\n');
    expect(existsSync(join(host, 'x'))).toBe(false);
    expect(existsSync(join(r.b.rootfs, host, 'x'))).toBe(true);
    expect(readFileSync('/proc/self/mountinfo', 'utf8').split('\n').map((l) => l.split(' ')[4])).toEqual(mountsBefore);
  });

  function expectCleanFailure(b: TestBundle, message: string | ((id: string) => string)): void {
    const cgName = b.config.linux.cgroupsPath.split('/').pop();
    const before = snapshot(b.dir, cgName);
    const id = uniqueId('idm');
    const r = berth(b, ['create', '--bundle', b.dir, id]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toBe(typeof message === 'string' ? message : message(id));
    expect(existsSync(b.root) ? readdirSync(b.root) : []).toEqual([]);
    const after = snapshot(b.dir, cgName);
    expect(after.mounts).toEqual(before.mounts);
    expect(after.processes).toEqual([]);
    expect(after.cgroupDirs).toEqual([]);
  }

  it('a missing source or an id-mapped mount that is not a bind: one line, nothing left behind', () => {
    const maps = [{ containerID: 0, hostID: 100000, size: 1 }];
    const b = makeBundle(['true'], (c) => c.mounts.push({ destination: '/data', source: '/nonexistent/berth-src', type: 'bind', options: ['bind'], uidMappings: maps, gidMappings: maps }));
    made.push(b);
    expectCleanFailure(b, (id) => `create ${id}: make an idmapped mount of /nonexistent/berth-src for /data: open: no such file or directory`);
    const t = makeBundle(['true'], (c) => c.mounts.push({ destination: '/data', source: 'tmpfs', type: 'tmpfs', uidMappings: maps, gidMappings: maps }));
    made.push(t);
    expectCleanFailure(t, `config.json: /mounts/${t.config.mounts.length - 1}/options: an idmapped mount must be a bind mount ("bind" or "rbind")`);
  });

  it('a filesystem that cannot be idmapped: an error naming the mount and the filesystem, nothing left behind', () => {
    const mnt = mkdtempSync(join(tmpdir(), 'berth-ramfs-'));
    dirs.push(mnt);
    sh('mount', ['-t', 'ramfs', 'berth-test', mnt]);
    hostMounts.push(mnt);
    const b = makeBundle(['true'], (c) => {
      userns(c);
      c.mounts.push({ destination: '/data', source: mnt, type: 'bind', options: ['bind', 'idmap'] });
    });
    made.push(b);
    const n = b.config.mounts.length - 1;
    expectCleanFailure(b, (id) => `create ${id}: config.json: /mounts/${n}: /data: the ramfs filesystem at ${mnt} cannot be idmapped (mount_setattr: EINVAL)`);
    // Below an ext4 dir, reached by rbind + ridmap: both filesystems are named.
    const top = mkdtempSync(join(tmpdir(), 'berth-top-'));
    dirs.push(top);
    mkdirSync(join(top, 'sub'));
    sh('mount', ['-t', 'ramfs', 'berth-test', join(top, 'sub')]);
    hostMounts.push(join(top, 'sub'));
    const t = makeBundle(['true'], (c) => {
      userns(c);
      c.mounts.push({ destination: '/data', source: top, type: 'bind', options: ['rbind', 'ridmap'] });
    });
    made.push(t);
    expectCleanFailure(t, (id) => `create ${id}: config.json: /mounts/${n}: /data: the filesystems at ${top} and below it (ext4, ramfs) cannot all be idmapped (mount_setattr: EINVAL)`);
  });

  it('features: mountExtensions.idmap.enabled on this kernel, and the options listed', () => {
    const r = spawnSync(BERTH, ['features'], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    const f = JSON.parse(r.stdout);
    expect(f.linux.mountExtensions).toEqual({ idmap: { enabled: true } });
    expect(f.mountOptions).toEqual(expect.arrayContaining(['idmap', 'ridmap']));
  });
});
