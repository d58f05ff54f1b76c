// linux.sysctl: which keys a container may set (runc's rules, for root and rootless alike) and
// the file each one is written to.
import { describe, expect, it } from 'vitest';
import { checkSysctls, dottedSysctl, sysctlFile, sysctlNamespace } from '../../src/validate/sysctls.js';
import { sysctlOps } from '../../src/plan/sysctls.js';

const HOST_NET = '/proc/self/ns/net';
const ownNetns = (path: string) => {
  if (path === '/gone') throw new Error('stat /gone: no such file or directory');
  return path === HOST_NET;
};
const check = (sysctl: Record<string, string>, namespaces: any[]) => () => checkSysctls({ sysctl, namespaces }, ownNetns);
const NEW = ['ipc', 'uts', 'network', 'mount', 'pid'].map((type) => ({ type }));

describe('sysctls a container may set', () => {
  it('keys of namespaces the container has new: ipc, network, kernel.domainname with uts', () => {
    expect(check({ 'kernel.shmmax': '1', 'fs.mqueue.msg_max': '10', 'net.ipv4.ip_forward': '1', 'kernel.domainname': 'x' }, NEW)).not.toThrow();
  });
  it('net.* in a network namespace joined by path that is not the runtime\'s own', () => {
    expect(check({ 'net.ipv4.ip_forward': '1' }, [{ type: 'network', path: '/run/netns/x' }])).not.toThrow();
  });
  it('a key not namespaced is the host\'s: refused naming the key, as root too', () => {
    expect(check({ 'fs.lease-break-time': '10' }, NEW)).toThrow('config.json: /linux/sysctl/fs.lease-break-time: sysctl "fs.lease-break-time" is not in a separate kernel namespace (not namespaced: it is the host\'s)');
    expect(check({ 'kernel.core_pattern': 'x' }, NEW)).toThrow(/\/linux\/sysctl\/kernel\.core_pattern: /);
    expect(check({ 'fs/lease-break-time': '10' }, NEW)).toThrow('config.json: /linux/sysctl/fs~1lease-break-time: sysctl "fs.lease-break-time" is not in a separate kernel namespace');
  });
  it('ipc keys need a new ipc namespace (joined by path is refused, as runc 1.5)', () => {
    expect(check({ 'kernel.shmmax': '1' }, [])).toThrow(/\/linux\/sysctl\/kernel\.shmmax: sysctl "kernel.shmmax" is not allowed in the host's ipc namespace/);
    expect(check({ 'fs.mqueue.msg_max': '1' }, [{ type: 'ipc', path: '/proc/9/ns/ipc' }])).toThrow(/needs a new ipc namespace/);
  });
  it('net.* without a network namespace, or in the runtime\'s own, or one that cannot be examined', () => {
    expect(check({ 'net.ipv4.ip_forward': '1' }, [{ type: 'ipc' }])).toThrow(/sysctl "net.ipv4.ip_forward" is not allowed in the host network namespace: it needs a new network namespace/);
    expect(check({ 'net.core.somaxconn': '1' }, [{ type: 'ipc' }, { type: 'network', path: HOST_NET }])).toThrow(
      'config.json: /linux/sysctl/net.core.somaxconn: sysctl "net.core.somaxconn" is not allowed in the host network namespace: /linux/namespaces/1/path (/proc/self/ns/net) is the runtime\'s own network namespace',
    );
    expect(check({ 'net.core.somaxconn': '1' }, [{ type: 'network', path: '/gone' }])).toThrow(/\/linux\/namespaces\/0\/path \(\/gone\): stat \/gone: no such file or directory/);
  });
  it('kernel.hostname conflicts with the hostname field; kernel.domainname needs a new uts namespace', () => {
    expect(check({ 'kernel.hostname': 'x' }, NEW)).toThrow(/sysctl "kernel.hostname" is not allowed: it conflicts with the OCI "hostname" field/);
    expect(check({ 'kernel.domainname': 'x' }, [])).toThrow(/needs a new uts namespace/);
    expect(check({ 'kernel.domainname': 'x' }, [{ type: 'uts', path: '/proc/self/ns/uts' }])).toThrow(/needs a new uts namespace/);
  });
  it('a key that would leave its directory is refused', () => {
    expect(check({ 'net/../kernel/core_pattern': 'x' }, NEW)).toThrow(/is not a sysctl name/);
    expect(check({ 'net.ipv4..x': '1' }, NEW)).toThrow(/is not a sysctl name/);
    expect(check({ '': '1' }, NEW)).toThrow(/is not a sysctl name/);
  });
});

describe('sysctl keys and files', () => {
  it('"/" as the separator swaps "." and "/" (sysctl.d(5))', () => {
    expect(dottedSysctl('net/ipv4/conf/eth0.100/rp_filter')).toBe('net.ipv4.conf.eth0/100.rp_filter');
    expect(sysctlFile('net/ipv4/conf/eth0.100/rp_filter')).toBe('net/ipv4/conf/eth0.100/rp_filter');
    expect(sysctlFile('net.ipv4.conf.eth0/100.rp_filter')).toBe('net/ipv4/conf/eth0.100/rp_filter');
    expect(sysctlFile('kernel.shmmax')).toBe('kernel/shmmax');
    expect(sysctlNamespace('net/ipv4/ip_forward')).toBe('network');
    expect(sysctlNamespace('fs.mqueue.msg_max')).toBe('ipc');
    expect(sysctlNamespace('vm.swappiness')).toBeUndefined();
  });
  it('each key is one write under /proc/sys, named by its pointer', () => {
    expect(sysctlOps({ sysctl: { 'net.ipv4.ip_forward': '1', 'kernel/shmmax': '2' } }).map((o) => [o.args, o.from])).toEqual([
      [['/proc/sys/net/ipv4/ip_forward', '1'], '/linux/sysctl/net.ipv4.ip_forward'],
      [['/proc/sys/kernel/shmmax', '2'], '/linux/sysctl/kernel~1shmmax'],
    ]);
  });
});
