import { describe, it, expect } from 'vitest';
import { containerPlan } from '../../src/plan/container.js';
import { defaultConfig } from '../../src/spec/default-config.js';
import { encodePlan, decodePlan } from '../../src/plan/encode.js';
import { Op } from '../../src/plan/ops.js';
import { CLONE, MS } from '../../src/plan/linux.js';

function plan(edit?: (c: any) => void, extra: Partial<Parameters<typeof containerPlan>[0]> = {}) {
  const config = defaultConfig();
  config.process.terminal = false;
  edit?.(config);
  return containerPlan({
    id: 'c1', bundle: '/b', rootfs: '/b/rootfs', config, startSocket: '/run/berth/c1/exec.sock',
    cgroupProcs: ['/sys/fs/cgroup/pids/x/cgroup.procs'], noPivot: false, preserveFds: 0, ...extra,
  });
}
const names = (ops: { op: string }[]) => ops.map((o) => o.op);

describe('container plan', () => {
  it('joins the cgroup before the clone, and clones with every new namespace', () => {
    const ops = plan();
    const n = names(ops);
    expect(n.indexOf('CGROUP_JOIN')).toBeLessThan(n.indexOf('CLONE'));
    const clone = ops.find((o) => o.op === 'CLONE')!;
    expect(Number(clone.args[0])).toBe(CLONE.NEWPID | CLONE.NEWNET | CLONE.NEWIPC | CLONE.NEWUTS | CLONE.NEWNS | CLONE.NEWCGROUP);
  });

  it("keeps runc's order: mounts, pivot, hostname, sysctls, masks, rlimits, user, caps, nnp, exec", () => {
    const ops = plan((c) => (c.linux.sysctl = { 'net.ipv4.ip_forward': '1' }));
    const n = names(ops);
    // sysctls are written while /proc/sys is still writable (Docker makes it read-only)
    const sysctl = ops.findIndex((o) => o.op === 'WRITE_FILE' && o.args[0] === '/proc/sys/net/ipv4/ip_forward');
    const roSys = ops.findIndex((o) => o.op === 'READONLY_PATH' && o.args[0] === '/proc/sys');
    expect(sysctl).toBeGreaterThan(n.indexOf('SETHOSTNAME'));
    expect(sysctl).toBeLessThan(roSys);
    const order = ['MOUNT_IN_ROOT', 'PIVOT_ROOT', 'SETHOSTNAME', 'MASK_PATH', 'READONLY_PATH', 'RLIMIT', 'SETRESUID', 'CAPS', 'READY', 'WAIT_START', 'NO_NEW_PRIVS', 'EXEC'];
    const idx = order.map((o) => n.indexOf(o));
    expect(idx.every((i) => i >= 0)).toBe(true);
    expect([...idx].sort((a, b) => a - b)).toEqual(idx);
    expect(n.at(-1)).toBe('EXEC');
  });

  it('makes / unbindable only after the root switch (the rootfs bind needs a bindable source)', () => {
    const ops = plan((c) => (c.linux.rootfsPropagation = 'runbindable'));
    const first = ops.find((o) => o.op === 'MOUNT' && o.args[1] === '/')!;
    expect(Number(first.args[3])).toBe(MS.PRIVATE | MS.REC);
    const unbind = ops.findIndex((o) => o.op === 'MOUNT' && Number(o.args[3]) === (MS.UNBINDABLE | MS.REC));
    expect(unbind).toBeGreaterThan(names(ops).indexOf('PIVOT_ROOT'));
  });

  it('uses MS_MOVE + chroot with --no-pivot', () => {
    const n = names(plan(undefined, { noPivot: true }));
    expect(n).toContain('MOVE_ROOT');
    expect(n).not.toContain('PIVOT_ROOT');
  });

  it('makes default devices and /dev symlinks when /dev is a mount, binds them in a user namespace', () => {
    const ops = plan();
    expect(ops.filter((o) => o.op === 'MKNOD_IN_ROOT').map((o) => o.args[1])).toEqual(['dev/null', 'dev/zero', 'dev/full', 'dev/random', 'dev/urandom', 'dev/tty']);
    expect(ops.filter((o) => o.op === 'SYMLINK_IN_ROOT').map((o) => o.args[2])).toContain('dev/ptmx');
    const userns = plan((c) => {
      c.linux.namespaces.push({ type: 'user' });
      c.linux.uidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
      c.linux.gidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
    });
    expect(names(userns)).not.toContain('MKNOD_IN_ROOT');
    expect(names(userns)).toContain('BECOME_ROOT');
    const maps = userns.find((o) => o.op === 'USERNS_MAPS')!;
    expect(maps.args[0]).toBe('0 100000 65536\n');
  });

  it('a user namespace joined by path: root in it, device nodes bound (as runc)', () => {
    const joined = plan((c) => c.linux.namespaces.push({ type: 'user', path: '/proc/1/ns/user' }));
    const n = names(joined);
    expect(n.indexOf('BECOME_ROOT')).toBeGreaterThan(n.indexOf('CLONE'));
    expect(n).not.toContain('MKNOD_IN_ROOT');
    expect(n).not.toContain('USERNS_MAPS');
  });

  it('turns mount options into flags, a bind remount and propagation', () => {
    const ops = plan((c) => c.mounts.push({ destination: '/data', source: '/srv', type: 'bind', options: ['rbind', 'ro', 'nosuid', 'rshared'] }));
    const data = ops.filter((o) => o.op === 'MOUNT_IN_ROOT' && o.args[2] === 'data');
    expect(data.map((o) => Number(o.args[4]))).toEqual([MS.BIND | MS.REC, MS.BIND | MS.REMOUNT | MS.RDONLY | MS.NOSUID, MS.SHARED | MS.REC]);
  });

  it('joins namespaces given by path instead of creating them', () => {
    const ops = plan((c) => (c.linux.namespaces = c.linux.namespaces.map((n: any) => (n.type === 'network' ? { type: 'network', path: '/proc/1/ns/net' } : n))));
    const setns = ops.find((o) => o.op === 'SETNS')!;
    expect(setns.args).toEqual(['/proc/1/ns/net', String(CLONE.NEWNET)]);
    expect(Number(ops.find((o) => o.op === 'CLONE')!.args[0]) & CLONE.NEWNET).toBe(0);
  });

  it('asks the runtime for hooks before pivot_root and runs createContainer hooks in the init', () => {
    const n = names(plan((c) => (c.hooks = { createRuntime: [{ path: '/bin/true' }], createContainer: [{ path: '/bin/true', args: ['true', 'x'] }] })));
    expect(n.indexOf('SYNC_HOOKS')).toBeLessThan(n.indexOf('RUN_HOOK'));
    expect(n.indexOf('RUN_HOOK')).toBeLessThan(n.indexOf('PIVOT_ROOT'));
  });

  it('rejects a hostname without a uts namespace, a terminal without console socket', () => {
    expect(() => plan((c) => (c.linux.namespaces = c.linux.namespaces.filter((n: any) => n.type !== 'uts')))).toThrow(/hostname/);
    expect(() => plan((c) => (c.process.terminal = true))).toThrow(/console-socket/);
  });

  it('sets the hostname in a uts namespace joined by path (runtime-tools linux_ns_path)', () => {
    const ops = plan((c) => (c.linux.namespaces = c.linux.namespaces.map((n: any) => (n.type === 'uts' ? { type: 'uts', path: '/proc/1/ns/uts' } : n))));
    expect(ops.some((o) => o.op === 'SETNS' && o.args[0] === '/proc/1/ns/uts')).toBe(true);
    expect(names(ops)).toContain('SETHOSTNAME');
  });

  it('rejects a config without a mount namespace', () => {
    expect(() => plan((c) => (c.linux.namespaces = c.linux.namespaces.filter((n: any) => n.type !== 'mount')))).toThrow(/mount namespace/);
  });

  it('encodes to the wire format and back', () => {
    const ops = plan();
    const decoded = decodePlan(encodePlan(ops));
    expect(decoded.map((d) => d.code)).toEqual(ops.map((o) => Op[o.op as keyof typeof Op]));
    expect(decoded.map((d) => d.args.map((a) => a.toString()))).toEqual(ops.map((o) => o.args.map(String)));
  });
});
