import { describe, it, expect, beforeAll, afterAll, afterEach } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { BERTH, berth, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../helpers/bundle.js';

// linux.netDevices (config-linux.md "Network Devices"). Everything happens in network namespaces
// the test makes: berth itself runs in one (nsenter), which stands for "the host" here, and the
// veth pairs and their addresses live there; no interface of the machine is touched.
const haveIp = spawnSync('ip', ['-V']).status === 0 && spawnSync('nsenter', ['--version']).status === 0;
const run = isRoot() && haveBuild() && haveIp ? describe : describe.skip;

const tag = randomBytes(3).toString('hex');
const HOST_NS = `berthnd-${tag}`;
const OTHER_NS = `berthnd-${tag}-j`;
let pairs = 0;

function sh(cmd: string[], ns = HOST_NS): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync('nsenter', [`--net=/run/netns/${ns}`, ...cmd], { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

function must(cmd: string[], ns = HOST_NS): string {
  const r = sh(cmd, ns);
  if (r.status !== 0) throw new Error(`${cmd.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** bin/berth in the test's "host" network namespace. */
function berthIn(b: { root: string }, args: string[]): { status: number | null; stdout: string; stderr: string } {
  return berth(b, args, { via: ['nsenter', `--net=/run/netns/${HOST_NS}`] });
}

/** A veth pair in the test's namespace: end `a` with 10.200.N.1/24 and fd00:b:N::1/64, up. */
function vethPair(): { a: string; b: string; v4: string; v6: string } {
  const n = ++pairs;
  const a = `bnA${tag}${n}`;
  const b = `bnB${tag}${n}`;
  must(['ip', 'link', 'add', a, 'type', 'veth', 'peer', 'name', b]);
  const v4 = `10.200.${n}.1/24`;
  const v6 = `fd00:b:${n}::1/64`;
  must(['ip', 'addr', 'add', v4, 'dev', a]);
  must(['ip', '-6', 'addr', 'add', v6, 'dev', a, 'nodad']);
  must(['ip', 'link', 'set', a, 'up']);
  return { a, b, v4, v6 };
}

function linkExists(name: string, ns = HOST_NS): boolean {
  return sh(['ip', 'link', 'show', 'dev', name], ns).status === 0;
}

/** `ip -j addr show dev NAME` in the test's namespace: UP flag and addresses. */
function hostView(name: string): { up: boolean; addrs: string[] } {
  const [l] = JSON.parse(must(['ip', '-j', 'addr', 'show', 'dev', name]));
  return { up: l.flags.includes('UP'), addrs: l.addr_info.filter((a: any) => a.scope === 'global').map((a: any) => `${a.local}/${a.prefixlen}`) };
}

run('linux.netDevices: host network devices moved into the container (config-linux.md "Network Devices")', () => {
  const made: TestBundle[] = [];
  beforeAll(() => {
    spawnSync('ip', ['netns', 'add', HOST_NS]);
    spawnSync('ip', ['netns', 'add', OTHER_NS]);
  });
  afterEach(() => {
    for (const b of made.splice(0)) {
      if (existsSync(b.root)) for (const id of readdirSync(b.root)) berthIn(b, ['delete', '--force', id]);
      b.cleanup();
    }
  });
  afterAll(() => {
    // Deleting the namespaces destroys every veth left in them.
    spawnSync('ip', ['netns', 'del', HOST_NS]);
    spawnSync('ip', ['netns', 'del', OTHER_NS]);
  });
  const bundle = (netDevices: object, edit?: (c: any) => void): TestBundle => {
    const b = makeBundle(['sleep', '60']);
    made.push(b);
    b.config.linux.netDevices = netDevices;
    edit?.(b.config);
    b.write();
    return b;
  };
  /** A container command printing the device's flags and global addresses; view() reads its output. */
  const show = (name: string) => ['sh', '-c', `cat /sys/class/net/${name}/flags; /bin/busybox ip -o addr show dev ${name} scope global`];
  const view = (out: string) => {
    const [flags, ...lines] = out.trim().split('\n');
    return { up: (Number(flags) & 1) === 1, addrs: lines.map((l) => l.split(/\s+/)[3]) };
  };
  /** Inside the container (exec): IFF_UP of the device, and its global addresses (busybox ip). */
  const inside = (b: TestBundle, id: string, name: string) => {
    const r = berthIn(b, ['exec', id, ...show(name)]);
    expect(r.status, r.stderr).toBe(0);
    return view(r.stdout);
  };

  it('moves a device in under its new name, with its permanent global addresses (IPv4 and IPv6), up; it is gone from the host', () => {
    const v = vethPair();
    const b = bundle({ [v.a]: { name: 'ceth0' } });
    const id = uniqueId();
    const r = berthIn(b, ['create', '--bundle', b.dir, id]);
    expect(r.status, r.stderr).toBe(0);
    expect(linkExists(v.a)).toBe(false);
    expect(linkExists(v.b)).toBe(true);
    expect(inside(b, id, 'ceth0')).toEqual({ up: true, addrs: [v.v4, v.v6] });
    const names = berthIn(b, ['exec', id, 'ls', '/sys/class/net']);
    expect(names.stdout.split('\n').filter(Boolean).sort()).toEqual(['ceth0', 'lo']);
  });

  it('without a name the device keeps its host name; "eth%d" is a template the kernel numbers', () => {
    const v1 = vethPair();
    const v2 = vethPair();
    const b = bundle({ [v1.a]: {}, [v2.a]: { name: 'eth%d' } });
    const id = uniqueId();
    const r = berthIn(b, ['create', '--bundle', b.dir, id]);
    expect(r.status, r.stderr).toBe(0);
    expect(inside(b, id, v1.a)).toEqual({ up: true, addrs: [v1.v4, v1.v6] });
    expect(inside(b, id, 'eth0')).toEqual({ up: true, addrs: [v2.v4, v2.v6] });
  });

  it('a container with a user namespace of its own gets the device too (its network namespace is owned by that user namespace)', () => {
    const v = vethPair();
    const b = bundle({ [v.a]: { name: 'ceth0' } }, (c) => {
      c.process.args = show('ceth0');
      c.linux.namespaces.push({ type: 'user' });
      c.linux.uidMappings = [{ containerID: 0, hostID: 200000, size: 65536 }];
      c.linux.gidMappings = [{ containerID: 0, hostID: 200000, size: 65536 }];
    });
    // Seen by the container's own program (run), as the user namespace's root.
    const r = berthIn(b, ['run', '--bundle', b.dir, uniqueId()]);
    expect(r.status, r.stderr).toBe(0);
    expect(view(r.stdout)).toEqual({ up: true, addrs: [v.v4, v.v6] });
  });

  it('delete does not move the device out: the namespace goes and the kernel destroys the veth pair (both ends)', () => {
    const v = vethPair();
    const b = bundle({ [v.a]: { name: 'ceth0' } });
    const id = uniqueId();
    expect(berthIn(b, ['run', '-d', '--bundle', b.dir, id]).status).toBe(0);
    expect(linkExists(v.b)).toBe(true);
    const d = berthIn(b, ['delete', '--force', id]);
    expect(d.status, d.stderr).toBe(0);
    // The kernel frees the namespace (and its veth) asynchronously after the last process is gone
    // (a workqueue that batches namespaces: seconds on a busy machine), so this waits up to 40 s.
    const gone = spawnSync('sh', ['-c', `for i in $(seq 400); do nsenter --net=/run/netns/${HOST_NS} ip link show dev ${v.b} >/dev/null 2>&1 || exit 0; sleep 0.1; done; exit 1`]);
    expect(gone.status).toBe(0);
    expect(linkExists(v.a)).toBe(false);
  });

  it('a network namespace joined by path: the device goes there, and stays there after delete', () => {
    const v = vethPair();
    const b = bundle({ [v.a]: { name: 'ceth0' } }, (c) => {
      c.linux.namespaces = c.linux.namespaces.map((n: any) => (n.type === 'network' ? { type: 'network', path: `/run/netns/${OTHER_NS}` } : n));
    });
    const id = uniqueId();
    const r = berthIn(b, ['create', '--bundle', b.dir, id]);
    expect(r.status, r.stderr).toBe(0);
    expect(inside(b, id, 'ceth0')).toEqual({ up: true, addrs: [v.v4, v.v6] });
    expect(berthIn(b, ['delete', '--force', id]).status).toBe(0);
    expect(linkExists('ceth0', OTHER_NS)).toBe(true);
    must(['ip', 'link', 'del', 'ceth0'], OTHER_NS);
  });

  it('a create that fails after the move puts the device back on the host: name, addresses, up', () => {
    const v = vethPair();
    const before = hostView(v.a);
    // The hook sees the device gone from the runtime's namespace (moved), then fails the create.
    const b = bundle({ [v.a]: { name: 'ceth0' } }, (c) => {
      c.hooks = { createRuntime: [{ path: '/bin/sh', args: ['sh', '-c', `ip link show dev ${v.a} >/dev/null 2>&1 && exit 0; exit 7`] }] };
    });
    const id = uniqueId();
    const r = berthIn(b, ['create', '--bundle', b.dir, id]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('exit status 7');
    expect(hostView(v.a)).toEqual(before);
    expect(before).toEqual({ up: true, addrs: [v.v4, v.v6] });
    expect(readdirSync(b.root)).toEqual([]);
  });

  it('errors name the field and leave nothing behind: no such host device, a name the namespace has, an invalid name, no network namespace, berth\'s own, an init that fails first', () => {
    const v = vethPair();
    const before = hostView(v.a);
    const cases: [object, ((c: any) => void) | undefined, string][] = [
      [{ [`${v.a}x`]: {} }, undefined, `config.json: /linux/netDevices/${v.a}x: the host has no network device ${v.a}x`],
      [{ [v.a]: { name: 'lo' } }, undefined, `config.json: /linux/netDevices/${v.a}/name: the container's network namespace already has a network device named lo`],
      [{ [v.a]: { name: 'a/b' } }, undefined, `config.json: /linux/netDevices/${v.a}/name: "a/b" is not a network device name: may not contain "/" or ":"`],
      [{ [v.a]: { name: 'abcdefghijklmnop' } }, undefined, `config.json: /linux/netDevices/${v.a}/name: "abcdefghijklmnop" is not a network device name: is 16 bytes long: at most 15`],
      [{ [v.a]: {} }, (c) => (c.linux.namespaces = c.linux.namespaces.filter((n: any) => n.type !== 'network')), 'config.json: /linux/netDevices: needs a network namespace in /linux/namespaces'],
      // The loopback device never leaves its namespace (the kernel refuses: NETIF_F_NETNS_LOCAL).
      [{ lo: { name: 'lo0' } }, undefined, "config.json: /linux/netDevices/lo: move it into the container's network namespace: netlink RTM_NEWLINK index 1: invalid argument"],
      // The init fails at once (often before berth opens its network namespace): its error is the one given.
      [{ [v.a]: {} }, (c) => c.mounts.unshift({ destination: '/x', type: 'nosuchfs', source: 'none' }), 'mount none on /x: mount: no such device'],
      [
        { [v.a]: {} },
        (c) => (c.linux.namespaces = c.linux.namespaces.map((n: any) => (n.type === 'network' ? { type: 'network', path: `/run/netns/${HOST_NS}` } : n))),
        "config.json: /linux/netDevices: the container's network namespace is berth's own (joined by path?): devices can only move into another",
      ],
    ];
    for (const [devices, edit, message] of cases) {
      const b = bundle(devices, edit);
      const r = berthIn(b, ['create', '--bundle', b.dir, uniqueId()]);
      expect(r.status, message).toBe(1);
      expect(r.stderr).toContain(message);
      expect(existsSync(b.root) ? readdirSync(b.root) : []).toEqual([]);
      expect(hostView(v.a)).toEqual(before);
    }
  });

  it('create --dry-run lists the moves and moves nothing', () => {
    const v = vethPair();
    const before = hostView(v.a);
    const b = bundle({ [v.a]: { name: 'eth%d' } });
    const json = berthIn(b, ['create', '--dry-run', '--format', 'json', '--bundle', b.dir, uniqueId()]);
    expect(json.status, json.stderr).toBe(0);
    expect(JSON.parse(json.stdout).netDevices).toEqual([
      { host: v.a, name: 'eth%d', what: `move network device ${v.a} into the container's network namespace as eth%d (numbered by the kernel), with its permanent global addresses, and set it up`, from: `/linux/netDevices/${v.a}` },
    ]);
    const text = berthIn(b, ['create', '--dry-run', '--bundle', b.dir, uniqueId()]);
    expect(text.stdout).toContain(`move network device ${v.a} into the container's network namespace as eth%d`);
    expect(hostView(v.a)).toEqual(before);
    // The host check create makes before anything is made: the dry run makes it too.
    const missing = bundle({ [`${v.a}x`]: {} });
    const r = berthIn(missing, ['create', '--dry-run', '--bundle', missing.dir, uniqueId()]);
    expect(r.status).toBe(1);
    expect(r.stderr).toContain(`config.json: /linux/netDevices/${v.a}x: the host has no network device ${v.a}x`);
  });

  it('features reports linux.netDevices enabled (as root)', () => {
    const r = spawnSync(BERTH, ['features'], { encoding: 'utf8' });
    expect(JSON.parse(r.stdout).linux.netDevices).toEqual({ enabled: true });
  });
});
