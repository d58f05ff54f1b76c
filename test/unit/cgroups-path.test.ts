import { describe, expect, it } from 'vitest';
import { cloneIntoDir } from '../../src/cgroups/clone-into.js';
import { execCgroupDir } from '../../src/cgroups/exec-cgroup.js';
import type { CgroupRecord } from '../../src/cgroups/types.js';
import { cgroup2MountOf, detectLayout } from '../../src/cgroups/layout.js';
import { cleanPath, parseProcCgroup, resolveCgroupPaths, type ResolveEnv } from '../../src/cgroups/path.js';

const HYBRID_MOUNTINFO = `31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
34 31 0:31 / /sys/fs/cgroup/cpuset rw,relatime - cgroup cgroup rw,cpuset
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
36 31 0:33 / /sys/fs/cgroup/devices rw,relatime - cgroup cgroup rw,devices
37 31 0:34 / /sys/fs/cgroup/freezer rw,relatime - cgroup cgroup rw,freezer
38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`;
const HYBRID_SELF = `9:name=systemd:/
8:pids:/
7:blkio:/
6:freezer:/
5:devices:/
4:memory:/process_api/abc
3:cpuset:/
2:cpuacct:/
1:cpu:/
0::/
`;
const UNIFIED_MOUNTINFO = '30 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate\n';
const LEGACY_MOUNTINFO = `25 20 0:22 / /sys/fs/cgroup/cpu,cpuacct rw - cgroup cgroup rw,nosuid,cpu,cpuacct
26 20 0:23 / /sys/fs/cgroup/memory rw - cgroup cgroup rw,memory
27 20 0:24 / /sys/fs/cgroup/devices rw - cgroup cgroup rw,devices
28 20 0:25 / /sys/fs/cgroup/net_cls,net_prio rw - cgroup cgroup rw,net_cls,net_prio
`;

const hybrid: ResolveEnv = { mountinfo: HYBRID_MOUNTINFO, procSelfCgroup: HYBRID_SELF, systemdRunning: false };

describe('cgroup layout', () => {
  it('detects hybrid, unified and legacy from mountinfo', () => {
    expect(detectLayout(HYBRID_MOUNTINFO)).toBe('hybrid');
    expect(detectLayout(UNIFIED_MOUNTINFO)).toBe('unified');
    expect(detectLayout(LEGACY_MOUNTINFO)).toBe('legacy');
    expect(() => detectLayout('1 0 0:1 / / rw - ext4 /dev/sda rw\n')).toThrow(/no cgroup filesystem/);
  });
});

describe('cgroupsPath resolution', () => {
  it('parses /proc/self/cgroup', () => {
    const m = parseProcCgroup(HYBRID_SELF);
    expect(m.get('memory')).toBe('/process_api/abc');
    expect(m.get('name=systemd')).toBe('/');
    expect(m.get('')).toBe('/');
    expect(parseProcCgroup('3:cpu,cpuacct:/a\n').get('cpuacct')).toBe('/a');
  });

  it('cleans like runc: relative paths cannot climb', () => {
    expect(cleanPath('../../x')).toBe('x');
    expect(cleanPath('a/./b/../c')).toBe('a/c');
    expect(cleanPath('/a/../../b/')).toBe('/b');
    expect(cleanPath('')).toBe('');
  });

  it('relative: under our own cgroup of each hierarchy', () => {
    const { layout, paths } = resolveCgroupPaths({ cgroupsPath: 'test/c1', id: 'c1' }, hybrid);
    expect(layout).toBe('hybrid');
    expect(paths.memory).toBe('/sys/fs/cgroup/memory/process_api/abc/test/c1');
    expect(paths.cpu).toBe('/sys/fs/cgroup/cpu/test/c1');
    expect(paths.cpuacct).toBe('/sys/fs/cgroup/cpuacct/test/c1');
    expect(paths['name=systemd']).toBe('/sys/fs/cgroup/systemd/test/c1');
    expect(paths['']).toBe('/sys/fs/cgroup/unified/test/c1');
    expect(paths.hugetlb).toBeUndefined();
  });

  it('absolute: under the mount points', () => {
    const { paths } = resolveCgroupPaths({ cgroupsPath: '/x/../y', id: 'c1' }, hybrid);
    expect(paths.memory).toBe('/sys/fs/cgroup/memory/y');
    expect(paths['']).toBe('/sys/fs/cgroup/unified/y');
  });

  it('absent: the container id, relative (runc cgroupfs default)', () => {
    const { paths } = resolveCgroupPaths({ id: 'c1' }, hybrid);
    expect(paths.memory).toBe('/sys/fs/cgroup/memory/process_api/abc/c1');
    expect(() => resolveCgroupPaths({ id: '..' }, hybrid)).toThrow(/cannot name a cgroup/);
    expect(() => resolveCgroupPaths({ cgroupsPath: '/', id: 'c1' }, hybrid)).toThrow(/root cgroup/);
  });

  it('co-mounted controllers share a dir; unified has only ""', () => {
    const legacy = resolveCgroupPaths({ cgroupsPath: 'c', id: 'c' }, {
      mountinfo: LEGACY_MOUNTINFO, procSelfCgroup: '4:devices:/\n3:memory:/\n2:net_cls,net_prio:/\n1:cpu,cpuacct:/user\n', systemdRunning: false,
    });
    expect(legacy.layout).toBe('legacy');
    expect(legacy.paths.cpu).toBe('/sys/fs/cgroup/cpu,cpuacct/user/c');
    expect(legacy.paths.cpuacct).toBe(legacy.paths.cpu);
    expect(legacy.paths['']).toBeUndefined();
    const uni = resolveCgroupPaths({ cgroupsPath: 'c', id: 'c' }, {
      mountinfo: UNIFIED_MOUNTINFO, procSelfCgroup: '0::/user.slice/session-1.scope\n', systemdRunning: false,
    });
    expect(uni).toEqual({ layout: 'unified', paths: { '': '/sys/fs/cgroup/user.slice/session-1.scope/c' } });
  });

  it('a mount of a sub-tree (cgroup namespace, bind mount) is accounted for', () => {
    const mi = '30 23 0:26 /kubepods/pod1 /sys/fs/cgroup rw - cgroup2 cgroup2 rw\n';
    const r = resolveCgroupPaths({ cgroupsPath: 'c', id: 'c' }, { mountinfo: mi, procSelfCgroup: '0::/kubepods/pod1/ctr\n', systemdRunning: false });
    expect(r.paths['']).toBe('/sys/fs/cgroup/ctr/c');
    expect(() =>
      resolveCgroupPaths({ cgroupsPath: 'c', id: 'c' }, { mountinfo: mi, procSelfCgroup: '0::/other\n', systemdRunning: false }),
    ).toThrow(/not visible/);
  });

  it('refuses to run without a devices hierarchy on v1', () => {
    const mi = LEGACY_MOUNTINFO.split('\n').filter((l) => !l.includes('devices')).join('\n');
    expect(() => resolveCgroupPaths({ id: 'c' }, { mountinfo: mi, procSelfCgroup: '1:memory:/\n3:cpu,cpuacct:/\n2:net_cls,net_prio:/\n', systemdRunning: false })).toThrow(/devices cgroup controller is not mounted/);
  });

  it('systemd driver: clear errors, no fallback', () => {
    expect(() => resolveCgroupPaths({ id: 'c', systemd: true, cgroupsPath: 'system.slice:berth:c' }, hybrid)).toThrow(
      'systemd cgroup driver: systemd is not running (no /run/systemd/system)',
    );
    expect(() => resolveCgroupPaths({ id: 'c', systemd: true, cgroupsPath: 'system.slice:berth:c' }, { ...hybrid, systemdRunning: true })).toThrow(
      /systemd cgroup driver: the cgroup path comes from systemd/,
    );
    expect(() => resolveCgroupPaths({ id: 'c', systemd: true, cgroupsPath: '/a/b' }, hybrid)).toThrow(/slice:prefix:name/);
  });
});

describe('cloneIntoDir: the dir the init is born in (clone3 CLONE_INTO_CGROUP)', () => {
  const LEGACY_SELF = '4:devices:/\n3:memory:/\n2:net_cls,net_prio:/\n1:cpu,cpuacct:/user\n';
  const env = (mountinfo: string, procSelfCgroup: string): ResolveEnv => ({ mountinfo, procSelfCgroup, systemdRunning: false });

  it('unified: the v2 dir', () => {
    const uni = resolveCgroupPaths({ cgroupsPath: 'c', id: 'c' }, env(UNIFIED_MOUNTINFO, '0::/user.slice/session-1.scope\n'));
    expect(cloneIntoDir(uni)).toBe('/sys/fs/cgroup/user.slice/session-1.scope/c');
    const scope: CgroupRecord = { layout: 'unified', paths: { '': '/sys/fs/cgroup/s.scope' }, created: [], systemdUnit: 's.scope' };
    expect(cloneIntoDir(scope)).toBe('/sys/fs/cgroup/s.scope'); // the systemd driver's scope
  });

  it('hybrid (it has a v2 dir too) and legacy: none, the init joins every hierarchy with CGROUP_JOIN', () => {
    const hy = resolveCgroupPaths({ cgroupsPath: 'c', id: 'c' }, hybrid);
    expect(hy.layout).toBe('hybrid');
    expect(hy.paths['']).toBe('/sys/fs/cgroup/unified/c');
    expect(cloneIntoDir(hy)).toBeUndefined();
    const legacy = resolveCgroupPaths({ cgroupsPath: 'c', id: 'c' }, env(LEGACY_MOUNTINFO, LEGACY_SELF));
    expect(cloneIntoDir(legacy)).toBeUndefined();
  });

  it('no record (an exec into a container without one), or a record without a usable v2 dir: none', () => {
    expect(cloneIntoDir(undefined)).toBeUndefined();
    expect(cloneIntoDir({ layout: 'unified', paths: {} })).toBeUndefined();
    expect(cloneIntoDir({ layout: 'unified', paths: { '': 'relative/dir' } })).toBeUndefined();
  });
});

describe('execCgroupDir: where an exec\'d process goes on cgroup v2', () => {
  const dir = '/sys/fs/cgroup/berth-test/c1';
  it('the container\'s cgroup while it is a leaf', () => {
    expect(execCgroupDir(dir, '', '0::/berth-test/c1/init\n', '/sys/fs/cgroup')).toBe(dir);
    expect(execCgroupDir(dir, undefined, '0::/berth-test/c1/init\n', '/sys/fs/cgroup')).toBe(dir);
  });
  it('the init\'s cgroup inside it once the container enabled controllers for its children', () => {
    expect(execCgroupDir(dir, 'pids memory', '0::/berth-test/c1/init\n', '/sys/fs/cgroup')).toBe(`${dir}/init`);
  });
  it('never a cgroup outside the container\'s', () => {
    expect(execCgroupDir(dir, 'pids', '0::/berth-test/c1\n', '/sys/fs/cgroup')).toBe(dir);
    expect(execCgroupDir(dir, 'pids', '0::/berth-test/c10/x\n', '/sys/fs/cgroup')).toBe(dir);
    expect(execCgroupDir(dir, 'pids', '0::/berth-test/c1/../../other\n', '/sys/fs/cgroup')).toBe(dir);
    expect(execCgroupDir(dir, 'pids', '4:pids:/x\n', '/sys/fs/cgroup')).toBe(dir);
    expect(execCgroupDir(dir, 'pids', '0::/berth-test/c1/init\n', undefined)).toBe(dir);
  });
});

describe('cgroup2MountOf', () => {
  const mi = [
    '30 25 0:26 / /sys/fs/cgroup rw,nosuid - cgroup2 cgroup2 rw',
    '31 30 0:27 /ns /sys/fs/cgroup/inner rw - cgroup2 cgroup2 rw',
    '32 25 0:28 / /sys/fs/cgroupx rw - tmpfs tmpfs rw',
  ].join('\n');
  it('is the deepest cgroup2 mount holding the dir, with its root', () => {
    expect(cgroup2MountOf('/sys/fs/cgroup/a/b', mi)).toMatchObject({ mountpoint: '/sys/fs/cgroup', root: '/' });
    expect(cgroup2MountOf('/sys/fs/cgroup/inner/c', mi)).toMatchObject({ mountpoint: '/sys/fs/cgroup/inner', root: '/ns' });
    expect(cgroup2MountOf('/sys/fs/cgroupx/c', mi)).toBeUndefined();
  });
});
