// linux.sysctl (issue 21): a key the container has no namespace of its own for is the host's,
// and is refused before anything is made, as root too (runc's rules, validate/sysctls.ts); keys
// of the container's own namespaces take effect there and nowhere else.
import { describe, it, expect, afterEach } from 'vitest';
import { readFileSync, readlinkSync } from 'node:fs';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { berth, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../helpers/bundle.js';
import { expectRefusedEverywhere } from '../helpers/leaks.js';

const run = isRoot() && haveBuild() ? describe : describe.skip;
const hostValue = (key: string) => readFileSync(`/proc/sys/${key.replace(/\./g, '/')}`, 'utf8');

run('linux.sysctl: only the container\'s own namespaces', () => {
  const made: TestBundle[] = [];
  let netnsHolder: ChildProcess | undefined;
  afterEach(() => {
    for (const b of made.splice(0)) b.cleanup();
    if (netnsHolder?.pid) process.kill(netnsHolder.pid, 'SIGKILL');
    netnsHolder = undefined;
  });
  const bundle = (args: string[], edit: (c: any) => void) => {
    const b = makeBundle(args, edit);
    made.push(b);
    return b;
  };

  /** create, run and the dry run fail naming the key, leaving nothing behind. */
  function refused(sysctl: Record<string, string>, message: RegExp, edit: (c: any) => void = () => {}) {
    expectRefusedEverywhere(bundle(['sleep', '100'], (c) => {
      c.linux.sysctl = sysctl;
      edit(c);
    }), message);
  }

  it('fs.lease-break-time (the host\'s) is refused naming the key; the host keeps its value', () => {
    const host = hostValue('fs.lease-break-time');
    const other = String(Number(host) + 7);
    refused({ 'fs.lease-break-time': other }, /^config\.json: \/linux\/sysctl\/fs\.lease-break-time: sysctl "fs\.lease-break-time" is not in a separate kernel namespace/m);
    expect(hostValue('fs.lease-break-time')).toBe(host);
  });

  it('kernel.core_pattern, kernel.hostname, and namespaced keys without their namespace are refused', () => {
    const core = hostValue('kernel.core_pattern');
    refused({ 'kernel.core_pattern': '|/bin/false' }, /\/linux\/sysctl\/kernel\.core_pattern: .* not in a separate kernel namespace/);
    expect(hostValue('kernel.core_pattern')).toBe(core);
    refused({ 'kernel.hostname': 'x' }, /\/linux\/sysctl\/kernel\.hostname: .*conflicts with the OCI "hostname" field/);
    const shm = hostValue('kernel.shmmax');
    refused({ 'kernel.shmmax': '4096' }, /\/linux\/sysctl\/kernel\.shmmax: .*needs a new ipc namespace/, (c) => (c.linux.namespaces = c.linux.namespaces.filter((n: any) => n.type !== 'ipc')));
    expect(hostValue('kernel.shmmax')).toBe(shm);
    refused({ 'net.ipv4.ip_forward': '1' }, /\/linux\/sysctl\/net\.ipv4\.ip_forward: .*host network namespace/, (c) => (c.linux.namespaces = c.linux.namespaces.filter((n: any) => n.type !== 'network')));
    // The runtime's own network namespace named by path is the host's too.
    refused({ 'net.ipv4.ip_forward': '1' }, /\/linux\/namespaces\/\d+\/path \(\/proc\/\d+\/ns\/net\) is the runtime's own network namespace/, (c) => {
      c.linux.namespaces = c.linux.namespaces.map((n: any) => (n.type === 'network' ? { type: 'network', path: `/proc/${process.pid}/ns/net` } : n));
    });
  });

  it('kernel.shmmax in a new ipc namespace and net.ipv4.ip_forward in a new network namespace take effect inside only', () => {
    const shm = hostValue('kernel.shmmax');
    const fwd = hostValue('net.ipv4.ip_forward');
    const want = fwd.trim() === '1' ? '0' : '1';
    const b = bundle(['cat', '/proc/sys/kernel/shmmax', '/proc/sys/net/ipv4/ip_forward', '/proc/sys/fs/mqueue/msg_max'], (c) => {
      c.linux.sysctl = { 'kernel.shmmax': '12345678', 'net/ipv4/ip_forward': want, 'fs.mqueue.msg_max': '17' };
    });
    const r = berth(b, ['run', '--bundle', b.dir, uniqueId()]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`12345678\n${want}\n17\n`);
    expect(hostValue('kernel.shmmax')).toBe(shm);
    expect(hostValue('net.ipv4.ip_forward')).toBe(fwd);
  });

  it('net.* in a network namespace joined by path that is not the runtime\'s own: set there', async () => {
    // A process in a network namespace of its own, which says when it is there.
    netnsHolder = spawn('unshare', ['--net', 'sh', '-c', 'echo ready; exec sleep 300'], { stdio: ['ignore', 'pipe', 'inherit'] });
    const holder = netnsHolder;
    await new Promise<void>((resolve, reject) => {
      holder.stdout!.once('data', () => resolve());
      holder.once('exit', (code) => reject(new Error(`unshare --net exited with ${code}`)));
    });
    const path = `/proc/${holder.pid}/ns/net`;
    expect(readlinkSync(path)).not.toBe(readlinkSync('/proc/self/ns/net'));
    const b = bundle(['true'], (c) => {
      c.linux.sysctl = { 'net.ipv4.ip_default_ttl': '42' };
      c.linux.namespaces = c.linux.namespaces.map((n: any) => (n.type === 'network' ? { type: 'network', path } : n));
    });
    const r = berth(b, ['run', '--bundle', b.dir, uniqueId()]);
    expect(r.status, r.stderr).toBe(0);
    const there = spawnSync('nsenter', [`--net=${path}`, 'cat', '/proc/sys/net/ipv4/ip_default_ttl'], { encoding: 'utf8' });
    expect(there.stdout).toBe('42\n');
    expect(hostValue('net.ipv4.ip_default_ttl')).not.toBe('42\n');
  });
});
