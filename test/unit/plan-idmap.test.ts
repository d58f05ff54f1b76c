import { describe, it, expect } from 'vitest';
import { planOfDefault } from '../helpers/plan.js';
import { idmapTreeOps, mountIdmaps } from '../../src/plan/idmap.js';
import { defaultConfig } from '../../src/spec/default-config.js';
import { MS } from '../../src/plan/linux.js';
import { fsTypeIn, fsTypesUnderIn } from '../../src/host/fs-type.js';
import { renderInitError } from '../../src/runtime/init-errors.js';
import { probeIdmap } from '../../src/host/idmap.js';

const maps = [{ containerID: 100000, hostID: 200000, size: 1000 }];

function plan(edit: (c: any) => void) {
  return planOfDefault(edit, { cgroupProcs: ['/sys/fs/cgroup/pids/x/cgroup.procs'] });
}
const userns = (c: any) => {
  c.linux.namespaces.push({ type: 'user' });
  c.linux.uidMappings = [{ containerID: 0, hostID: 300000, size: 65536 }];
  c.linux.gidMappings = [{ containerID: 0, hostID: 310000, size: 65536 }];
};

describe('idmapped mounts in the plan', () => {
  it('stage A makes the tree before any namespace is joined; stage B attaches it in config order, then its flags', () => {
    const ops = plan((c) => {
      userns(c);
      c.linux.namespaces = c.linux.namespaces.map((n: any) => (n.type === 'network' ? { type: 'network', path: '/proc/1/ns/net' } : n));
      c.mounts.push({ destination: '/before', source: '/srv/b', type: 'bind', options: ['bind'] });
      c.mounts.push({ destination: '/data', source: 'vol', type: 'bind', options: ['rbind', 'ro'], uidMappings: maps, gidMappings: maps });
    });
    const n = ops.map((o) => o.op);
    const tree = n.indexOf('IDMAP_TREE');
    expect(tree).toBeGreaterThan(n.lastIndexOf('CGROUP_JOIN'));
    expect(tree).toBeLessThan(n.indexOf('SETNS'));
    expect(tree).toBeLessThan(n.indexOf('CLONE'));
    // Relative sources are the bundle's; rbind clones recursively; "idmap" implied, not recursive.
    expect(ops[tree]!.args).toEqual(['0', '/b/rootfs', '/b/vol', '1', '0', '100000 200000 1000\n', '100000 200000 1000\n', '']);
    const move = n.indexOf('MOVE_MOUNT_IN_ROOT');
    expect(ops[move]!.args).toEqual(['/b/rootfs', '0', 'data', 'dir']);
    const before = ops.findIndex((o) => o.op === 'MOUNT_IN_ROOT' && o.args[2] === 'before');
    expect(before).toBeLessThan(move);
    expect(move).toBeLessThan(n.indexOf('PIVOT_ROOT'));
    const remount = ops[move + 1]!;
    expect([remount.op, remount.args[2], Number(remount.args[4])]).toEqual(['MOUNT_IN_ROOT', 'data', MS.BIND | MS.REMOUNT | MS.RDONLY]);
    // No plain bind of the idmapped source.
    expect(ops.some((o) => o.op === 'MOUNT_IN_ROOT' && o.args[1] === '/b/vol')).toBe(false);
  });

  it('"idmap"/"ridmap" without mappings take the container\'s user namespace: its maps, or its path when joined', () => {
    const fresh = mountIdmaps({ ...defaultConfig(), mounts: [{ destination: '/d', source: '/s', options: ['rbind', 'ridmap'] }], linux: { namespaces: [{ type: 'user' }], uidMappings: [{ containerID: 0, hostID: 300000, size: 10 }], gidMappings: [{ containerID: 0, hostID: 310000, size: 10 }] } });
    expect(fresh.get(0)).toEqual({ slot: 0, recursive: true, uidMap: '0 300000 10\n', gidMap: '0 310000 10\n', usernsPath: '' });
    const joined = mountIdmaps({ mounts: [{ destination: '/d', source: '/s', options: ['bind', 'ridmap', 'idmap'] }], linux: { namespaces: [{ type: 'user', path: '/proc/7/ns/user' }] } });
    // The last of idmap/ridmap decides.
    expect(joined.get(0)).toEqual({ slot: 0, recursive: false, uidMap: '', gidMap: '', usernsPath: '/proc/7/ns/user' });
    expect(() => mountIdmaps({ mounts: [{ destination: '/d', source: '/s', options: ['bind', 'idmap'] }], linux: {} })).toThrow('config.json: /mounts/0/options: idmap needs uidMappings and gidMappings on the mount or a user namespace');
  });

  it('slots number the idmapped mounts only; other mounts are untouched', () => {
    const c = { mounts: [
      { destination: '/a', source: '/s', options: ['bind'], uidMappings: maps, gidMappings: maps },
      { destination: '/plain', source: '/p', options: ['bind'] },
      { destination: '/b', source: '/s', options: ['bind'], uidMappings: maps, gidMappings: maps },
    ], linux: {} };
    expect([...mountIdmaps(c)].map(([i, m]) => [i, m.slot])).toEqual([[0, 0], [2, 1]]);
    expect(idmapTreeOps('/r', '/b', c, () => ['ext4']).map((o) => o.args[0])).toEqual(['0', '1']);
  });

  it('a filesystem that refuses MOUNT_ATTR_IDMAP is named, with the mount; other failures keep the usual form', () => {
    const c = { mounts: [{ destination: '/d', source: '/x', options: ['bind'] }, { destination: 'data/', source: '/mnt/r', options: ['bind'], uidMappings: maps, gidMappings: maps }], linux: {} };
    const ops = idmapTreeOps('/r', '/b', c, (p) => (p === '/mnt/r' ? ['ramfs', 'ext4'] : []));
    expect(renderInitError(ops, ['0', 'mount_setattr', '22', '/mnt/r'])).toBe('config.json: /mounts/1: /data: the ramfs filesystem at /mnt/r cannot be idmapped (mount_setattr: EINVAL)');
    expect(renderInitError(ops, ['0', 'mount_setattr', '95', '/mnt/r'])).toBe('config.json: /mounts/1: /data: the ramfs filesystem at /mnt/r cannot be idmapped (mount_setattr: EOPNOTSUPP)');
    expect(renderInitError(ops, ['0', 'mount_setattr', '1', '/mnt/r'])).toBe('make an idmapped mount of /mnt/r for /data: mount_setattr: operation not permitted');
    expect(renderInitError(ops, ['0', 'open_tree', '2', '/mnt/r'])).toBe('make an idmapped mount of /mnt/r for /data: open_tree: no such file or directory');
    // rbind + ridmap: the submounts' filesystems are named too.
    const rec = idmapTreeOps('/r', '/b', { mounts: [{ destination: '/data', source: '/mnt/r', options: ['rbind', 'ridmap'], uidMappings: maps, gidMappings: maps }], linux: {} }, () => ['ext4', 'ramfs']);
    expect(renderInitError(rec, ['0', 'mount_setattr', '22', '/mnt/r'])).toBe('config.json: /mounts/0: /data: the filesystems at /mnt/r and below it (ext4, ramfs) cannot all be idmapped (mount_setattr: EINVAL)');
    const unknown = idmapTreeOps('/r', '/b', c, () => []);
    expect(renderInitError(unknown, ['0', 'mount_setattr', '22', '/mnt/r'])).toBe('config.json: /mounts/1: /data: the unknown filesystem at /mnt/r cannot be idmapped (mount_setattr: EINVAL)');
  });
});

describe('fsTypeIn (mountinfo)', () => {
  const mountinfo = [
    '22 1 254:0 / / rw,relatime shared:1 - ext4 /dev/vda rw',
    '40 22 0:33 / /mnt rw shared:5 - tmpfs tmpfs rw',
    '41 40 0:34 / /mnt/r rw - ramfs berth rw',
    '42 40 0:35 / /mnt/with\\040space rw - 9p share rw',
    '43 41 0:36 / /mnt/r rw - tmpfs over rw',
  ].join('\n');
  it('takes the deepest mount point above the path, the last of equals', () => {
    expect(fsTypeIn(mountinfo, '/etc/passwd')).toBe('ext4');
    expect(fsTypeIn(mountinfo, '/mnt')).toBe('tmpfs');
    expect(fsTypeIn(mountinfo, '/mnt/rx')).toBe('tmpfs');
    expect(fsTypeIn(mountinfo, '/mnt/r/a/b')).toBe('tmpfs');
    expect(fsTypeIn(mountinfo, '/mnt/with space/f')).toBe('9p');
    expect(fsTypeIn('', '/x')).toBeUndefined();
  });
  it('lists the types an rbind takes along: the holder first, then those mounted below', () => {
    expect(fsTypesUnderIn(mountinfo, '/mnt')).toEqual(['tmpfs', 'ramfs', '9p']);
    expect(fsTypesUnderIn(mountinfo, '/mnt/r')).toEqual(['tmpfs']);
    expect(fsTypesUnderIn(mountinfo, '/etc')).toEqual(['ext4']);
    expect(fsTypesUnderIn(mountinfo, '/')).toEqual(['ext4', 'tmpfs', 'ramfs', '9p']);
  });
});

describe('probeIdmap', () => {
  it('reads the probe errno: EBADF means the kernel takes MOUNT_ATTR_IDMAP', () => {
    // The kernel's other answers cannot be produced on this host; the errno is what is decided on.
    expect(probeIdmap({ idmapProbe: () => 9 })).toEqual({ enabled: true });
    expect(probeIdmap({ idmapProbe: () => 38 })).toEqual({ enabled: false, reason: 'the kernel has no mount_setattr (Linux 5.12 or later)' });
    expect(probeIdmap({ idmapProbe: () => 1 }).enabled).toBe(false);
    expect(probeIdmap({ idmapProbe: () => 22 })).toEqual({ enabled: false, reason: 'the kernel refuses MOUNT_ATTR_IDMAP (mount_setattr: errno 22)' });
  });
});
