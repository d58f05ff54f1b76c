// The pure parts of rootless berth: the default state root and --rootless (runc's rules), the
// user namespace's id maps and who writes them, which limits need a cgroup, and a container's processes without one.
import { describe, it, expect } from 'vitest';
import { defaultRoot, rootlessCgroups, uidMapIsNested } from '../../src/cli/globals.js';
import { idMapPlan, parseSubIds, type IdMapHost } from '../../src/plan/id-maps.js';
import { limitField, rootlessResources, undelegatedStep } from '../../src/cgroups/rootless.js';
import { descendants } from '../../src/state/members.js';
import { parseSystemdPath } from '../../src/cgroups/systemd/scope.js';
import { containerPlan } from '../../src/plan/container.js';
import { defaultConfig } from '../../src/spec/default-config.js';

describe('default --root and --rootless (runc)', () => {
  const env = { XDG_RUNTIME_DIR: '/run/user/1000/', USER: 'alice' };
  it('not root: $XDG_RUNTIME_DIR/berth; unset: /run/berth', () => {
    expect(defaultRoot({ euid: 1000, env, inUserns: false })).toBe('/run/user/1000/berth');
    expect(defaultRoot({ euid: 1000, env: {}, inUserns: false })).toBe('/run/berth');
  });
  it('real root ignores XDG_RUNTIME_DIR; root in a user namespace honours it unless USER=root', () => {
    expect(defaultRoot({ euid: 0, env, inUserns: false })).toBe('/run/berth');
    expect(defaultRoot({ euid: 0, env, inUserns: true })).toBe('/run/user/1000/berth');
    expect(defaultRoot({ euid: 0, env: { ...env, USER: 'root' }, inUserns: true })).toBe('/run/berth');
  });
  it('--rootless auto: not root, or root in a user namespace; true and false as given', () => {
    expect(rootlessCgroups('auto', { euid: 1000, env: {}, inUserns: false })).toBe(true);
    expect(rootlessCgroups('auto', { euid: 0, env: {}, inUserns: true })).toBe(true);
    expect(rootlessCgroups('auto', { euid: 0, env: {}, inUserns: false })).toBe(false);
    expect(rootlessCgroups('true', { euid: 0, env: {}, inUserns: false })).toBe(true);
    expect(rootlessCgroups('false', { euid: 1000, env: {}, inUserns: false })).toBe(false);
  });
  it('the initial user namespace is the identity map of every id', () => {
    expect(uidMapIsNested('         0          0 4294967295\n')).toBe(false);
    expect(uidMapIsNested('         0       1000          1\n         1     100000      65536\n')).toBe(true);
  });
});

describe('user namespace id maps', () => {
  const host: IdMapHost = {
    euid: 1000, egid: 1000, newuidmap: '/usr/bin/newuidmap', newgidmap: '/usr/bin/newgidmap',
    subuid: [{ start: 100000, count: 65536 }], subgid: [{ start: 200000, count: 65536 }],
  };
  const own = { uidMappings: [{ containerID: 0, hostID: 1000, size: 1 }], gidMappings: [{ containerID: 0, hostID: 1000, size: 1 }] };
  const ranges = {
    uidMappings: [{ containerID: 0, hostID: 1000, size: 1 }, { containerID: 1, hostID: 100000, size: 65536 }],
    gidMappings: [{ containerID: 0, hostID: 1000, size: 1 }, { containerID: 1, hostID: 200000, size: 65536 }],
  };

  it('root writes any map itself', () => {
    expect(idMapPlan(ranges, { ...host, euid: 0 })).toEqual({ uidMap: '0 1000 1\n1 100000 65536\n', gidMap: '0 1000 1\n1 200000 65536\n', setgroups: '', uidTool: '', gidTool: '' });
  });
  it('its own ids alone: written directly, setgroups denied first', () => {
    expect(idMapPlan(own, host)).toEqual({ uidMap: '0 1000 1\n', gidMap: '0 1000 1\n', setgroups: 'deny', uidTool: '', gidTool: '' });
  });
  it('subordinate ranges: through newuidmap and newgidmap, setgroups left allowed', () => {
    expect(idMapPlan(ranges, host)).toEqual({
      uidMap: '0 1000 1\n1 100000 65536\n', gidMap: '0 1000 1\n1 200000 65536\n', setgroups: '', uidTool: '/usr/bin/newuidmap', gidTool: '/usr/bin/newgidmap',
    });
  });
  it('a range not the user\'s names the mapping', () => {
    const bad = { ...ranges, uidMappings: [ranges.uidMappings[0], { containerID: 1, hostID: 165000, size: 1000 }] };
    expect(() => idMapPlan(bad, host)).toThrow(/^config\.json: \/linux\/uidMappings\/1: host uids 165000-165999 are not uid 1000's to map: .* \/etc\/subuid gives it \(100000-165535\)$/);
    expect(() => idMapPlan({ ...own, gidMappings: [{ containerID: 0, hostID: 0, size: 1 }] }, host)).toThrow(/\/linux\/gidMappings\/0: host gids 0 are not gid 1000's/);
  });
  it('without newuidmap, a range is an error saying what to install; no map at all is one too', () => {
    expect(() => idMapPlan(ranges, { ...host, newuidmap: undefined })).toThrow('config.json: /linux/uidMappings: mapping more than uid 1000 itself needs newuidmap (Debian package uidmap), which is not installed');
    expect(() => idMapPlan({ gidMappings: own.gidMappings }, host)).toThrow(/\/linux\/uidMappings: a new user namespace needs a uid map/);
  });
  it('/etc/subuid lines by name or by id', () => {
    expect(parseSubIds('alice:100000:65536\n1000:300000:10\nbob:1:2\n#x\n', { name: 'alice', id: 1000 })).toEqual([{ start: 100000, count: 65536 }, { start: 300000, count: 10 }]);
  });
});

describe('rootless cgroups and processes', () => {
  it('limits that need a cgroup (devices rules alone do not)', () => {
    expect(limitField(undefined)).toBeUndefined();
    expect(limitField({ devices: [{ allow: false, access: 'rwm' }] })).toBeUndefined();
    expect(limitField({ devices: [], memory: {} })).toBeUndefined();
    expect(limitField({ pids: { limit: 5 } })).toBe('/linux/resources/pids');
  });
  it('a rootless runtime leaves the device rules out (as runc)', () => {
    expect(rootlessResources({ devices: [{ allow: false, access: 'rwm' }], pids: { limit: 5 } })).toEqual({ pids: { limit: 5 } });
    expect(rootlessResources(undefined)).toBeUndefined();
  });
  it("the user's systemd manager: user.slice by default, as runc's", () => {
    expect(parseSystemdPath(undefined, 'c1', true)).toEqual({ slice: 'user.slice', prefix: 'runc', name: 'c1' });
    expect(parseSystemdPath(':berth:c1', 'c1', true).slice).toBe('user.slice');
    expect(parseSystemdPath(undefined, 'c1').slice).toBe('system.slice');
  });
  it('the init and every process below it', () => {
    expect(descendants(10, [[10, 1], [11, 10], [12, 11], [13, 1], [14, 12]])).toEqual([10, 11, 12, 14]);
  });
});

describe('rootless container plan', () => {
  const host: IdMapHost = { euid: 1000, egid: 1000, newuidmap: '/usr/bin/newuidmap', newgidmap: '/usr/bin/newgidmap', subuid: [], subgid: [] };
  const plan = (cgroup?: { layout: string; paths: Record<string, string> }, extraMount?: object) => {
    const config = defaultConfig({ rootless: true, uid: 1000, gid: 1000 });
    config.process.terminal = false;
    config.mounts.push({ destination: '/sys/fs/cgroup', type: 'cgroup', source: 'cgroup', options: ['ro'] });
    if (extraMount) config.mounts.push(extraMount);
    return containerPlan({
      id: 'c1', bundle: '/b', rootfs: '/b/rootfs', config, startSocket: '/x/exec.sock', cgroupProcs: [], noPivot: false, preserveFds: 0, idHost: host,
      ...(cgroup ? { cgroup } : {}),
    });
  };
  const whats = (ops: { what: string }[]) => ops.map((o) => o.what);
  it('its own ids: maps written directly after denying setgroups, and no SETGROUPS op', () => {
    const ops = plan();
    expect(ops.find((o) => o.op === 'USERNS_MAPS')!.args).toEqual(['0 1000 1\n', '0 1000 1\n', 'deny', '', '']);
    expect(ops.some((o) => o.op === 'SETGROUPS')).toBe(false);
  });
  it('a mount of type cgroup: an empty tmpfs without a cgroup, the container\'s v2 dir bound with one', () => {
    expect(whats(plan())).toContain('mount an empty tmpfs on /sys/fs/cgroup (no cgroup of its own)');
    expect(whats(plan({ layout: 'unified', paths: { '': '/sys/fs/cgroup/u/c1' } }))).toContain('bind cgroup /sys/fs/cgroup/u/c1 on /sys/fs/cgroup');
  });
  it('an idmapped mount names the mount: the kernel wants root in the host user namespace (as runc)', () => {
    const m = { destination: '/data', type: 'bind', source: '/srv/data', options: ['rbind', 'idmap'] };
    expect(() => plan(undefined, m)).toThrow(/^config\.json: \/mounts\/\d+: idmapped mounts need root in the host's user namespace/);
  });
});

describe('rootless dry run: would create find the cgroup delegated', () => {
  const tree = new Set(['/sys/fs/cgroup/cpu', '/sys/fs/cgroup/cpu/mine', '/sys/fs/cgroup/cpu/mine/c1']);
  const exists = (p: string) => tree.has(p);
  it('a dir to make under a parent the user may not write; a dir there whose cgroup.procs it may not write', () => {
    expect(undelegatedStep(['/sys/fs/cgroup/cpu/x/c1'], () => false, exists)).toBe('mkdir /sys/fs/cgroup/cpu/x/c1');
    expect(undelegatedStep(['/sys/fs/cgroup/cpu/mine/c1'], () => false, exists)).toBe('write /sys/fs/cgroup/cpu/mine/c1/cgroup.procs');
  });
  it('all writable (a delegated subtree): nothing', () => {
    const mayWrite = (p: string) => p.startsWith('/sys/fs/cgroup/cpu/mine');
    expect(undelegatedStep(['/sys/fs/cgroup/cpu/mine/c2', '/sys/fs/cgroup/cpu/mine/c1'], mayWrite, exists)).toBeUndefined();
  });
});
