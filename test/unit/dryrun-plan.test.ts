import { afterAll, describe, expect, it } from 'vitest';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import { defaultConfig } from '../../src/spec/default-config.js';
import { createDryRun } from '../../src/commands/dry-run.js';
import { renderText } from '../../src/dryrun/render-text.js';
import { renderJson } from '../../src/dryrun/render-json.js';
import type { DryRunDocument, DryRunStep } from '../../src/dryrun/document.js';
import type { Globals } from '../../src/cli/globals.js';
import { DEFAULT_DEVICES } from '../../src/plan/devices.js';
import { describeMove } from '../../src/netdev/plan.js';

/**
 * create --dry-run's document and its two renderings, for the default `spec` bundle and for a
 * bundle using every section. Built in-process by the command's own code (prepareCreate,
 * planCreate, the cgroup dry run: all without side effects), so no root is needed.
 */
const REPO = new URL('../..', import.meta.url).pathname;
const schema = JSON.parse(readFileSync(join(REPO, 'schemas/dryrun.schema.json'), 'utf8'));
const validate = new Ajv({ strict: true, allErrors: true }).compile(schema);
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

function bundle(edit?: (c: any) => void): { dir: string; g: Globals } {
  const dir = mkdtempSync(join(tmpdir(), 'berth-dryrun-'));
  dirs.push(dir);
  mkdirSync(join(dir, 'rootfs'));
  const c = defaultConfig();
  edit?.(c);
  writeFileSync(join(dir, 'config.json'), JSON.stringify(c));
  return { dir, g: { root: join(dir, 'state'), logFormat: 'text', debug: false, systemdCgroup: false, rootless: 'auto' } };
}

const steps = (doc: DryRunDocument): DryRunStep[] => [...doc.host.steps, ...doc.container.steps];
const stepFrom = (doc: DryRunDocument, from: string) => steps(doc).filter((s) => s.from === from);

describe('create --dry-run of the default spec bundle', () => {
  const { dir, g } = bundle();
  const doc = createDryRun(g, { id: 'dry-default', bundle: dir, 'console-socket': '/tmp/console.sock' }, 'create');

  it('is valid against schemas/dryrun.schema.json', () => {
    expect(validate(JSON.parse(renderJson(doc))), JSON.stringify(validate.errors)).toBe(true);
  });

  it('linux.netDevices: the moves as their own group (schema and text)', () => {
    const what = describeMove({ host: 'eth1', name: 'net%d', from: '/linux/netDevices/eth1' });
    const withDevices: DryRunDocument = { ...doc, netDevices: [{ host: 'eth1', name: 'net%d', what, from: '/linux/netDevices/eth1' }] };
    expect(validate(JSON.parse(renderJson(withDevices))), JSON.stringify(validate.errors)).toBe(true);
    expect(renderText(withDevices)).toContain(`\nNetwork devices (by the runtime, once the init reports its pid: its network namespace exists; before any hook)\n  ${what}  <- /linux/netDevices/eth1\n`);
    expect(doc.netDevices).toBeUndefined();
  });

  it('lists the steps in the init\'s order, split at the clone, each with its source', () => {
    const all = steps(doc);
    expect(all.map((s) => s.index)).toEqual(all.map((_, i) => i + 1));
    expect(doc.host.steps.at(-1)!.op).toBe('CLONE');
    expect(doc.host.steps.at(-1)!.detail.newNamespaces).toEqual(['ipc', 'uts', 'network', 'pid', 'cgroup', 'mount']);
    expect(doc.host.steps[0]).toMatchObject({ op: 'CONSOLE_CONNECT', from: '--console-socket' });
    const c = defaultConfig();
    c.mounts.forEach((m: any, i: number) => {
      const first = stepFrom(doc, `/mounts/${i}`)[0]!;
      expect(first.detail.target, `mount ${i}`).toBe(m.destination);
    });
    const proc = stepFrom(doc, '/mounts/0')[0]!;
    expect(proc.detail).toMatchObject({ source: 'proc', type: 'proc', target: '/proc' });
    expect(stepFrom(doc, '/mounts/5')[0]!.detail.flags).toEqual(['rdonly', 'nosuid', 'nodev', 'noexec']);
    c.linux.maskedPaths.forEach((p: string, i: number) => expect(stepFrom(doc, `/linux/maskedPaths/${i}`)[0]).toMatchObject({ op: 'MASK_PATH', detail: {} , what: `mask ${p}` }));
    c.linux.readonlyPaths.forEach((p: string, i: number) => expect(stepFrom(doc, `/linux/readonlyPaths/${i}`)[0]!.op).toBe('READONLY_PATH'));
    const caps = stepFrom(doc, '/process/capabilities')[0]!.detail as Record<string, string[]>;
    expect([...caps.effective!].sort()).toEqual([...c.process.capabilities.effective].sort());
    expect(caps.ambient).toEqual([]);
    expect([...(stepFrom(doc, '/process/capabilities/bounding')[0]!.detail.bounding as string[])].sort()).toEqual([...c.process.capabilities.bounding].sort());
    expect(stepFrom(doc, '/process/rlimits/0')[0]!.detail).toEqual({ resource: 'RLIMIT_NOFILE', soft: '1024', hard: '1024' });
    expect(stepFrom(doc, '/hostname')[0]!.what).toBe('set hostname berth');
    expect(doc.process).toMatchObject({ args: ['sh'], cwd: '/', uid: 0, gid: 0, terminal: true, from: '/process' });
    expect(doc.process.env).toContain('HOME=/root'); // the env the program really gets
    expect(doc.seccomp).toBeNull();
    expect(doc.hooks).toEqual([]);
  });

  it('shows the cgroup create would make, with the device rules it writes', () => {
    const cg = doc.host.cgroup!;
    expect(cg.driver).toBe('cgroupfs');
    expect(Object.values(cg.paths).every((p) => p.endsWith('/dry-default'))).toBe(true);
    expect(cg.mkdir.length).toBeGreaterThan(0);
    if (cg.layout === 'unified') expect(cg.deviceProgram).toMatchObject({ from: '/linux/resources/devices' });
    else expect(cg.writes).toContainEqual({ path: `${cg.paths.devices}/devices.deny`, value: 'a', from: '/linux/resources/devices' });
  });

  it('renders as text: a line per step with the field it comes from', () => {
    const text = renderText(doc);
    expect(text).toMatch(/^berth create --dry-run dry-default \(bundle .*\): the plan, nothing was made or run$/m);
    expect(text).toMatch(/^ +\d+\. mount proc on \/proc \(source=proc target=\/proc type=proc flags=- data=- kind=dir\)  <- \/mounts\/0$/m);
    expect(text).toMatch(/^ +\d+\. mask \/proc\/kcore  <- \/linux\/maskedPaths\/2$/m);
    expect(text).toMatch(/^ +\d+\. set capabilities \(effective=CAP_KILL,CAP_NET_BIND_SERVICE,CAP_AUDIT_WRITE .*\)  <- \/process\/capabilities$/m);
    expect(text).toMatch(/^Seccomp\n  none$/m);
    expect(text).toMatch(/^Program\n  sh  <- \/process\/args$/m);
  });
});

const N = defaultConfig().mounts.length; // the first mount a test adds

describe('create --dry-run of a bundle using every section', () => {
  const { dir, g } = bundle((c) => {
    c.process.terminal = false;
    c.process.args = ['/bin/app', '--flag'];
    c.process.env.push('APP=1');
    c.process.cwd = '/work';
    c.process.user = { uid: 1000, gid: 1000, umask: 0o22, additionalGids: [10, 20] };
    c.process.capabilities.bounding.push('CAP_NET_RAW', 'CAP_BERTH_UNKNOWN');
    c.process.capabilities.ambient = ['CAP_KILL'];
    c.process.capabilities.inheritable = ['CAP_KILL'];
    c.process.rlimits.push({ type: 'RLIMIT_NPROC', soft: 100, hard: 200 });
    c.process.oomScoreAdj = 100;
    c.process.noNewPrivileges = true;
    c.domainname = 'example.org';
    c.mounts.push({ destination: '/data', type: 'bind', source: '/tmp', options: ['rbind', 'ro', 'nosuid'] });
    c.mounts.push({ destination: '/scratch', type: 'tmpfs', source: 'tmpfs', options: ['size=1m', 'noexec'] });
    c.linux.namespaces.push({ type: 'user' });
    c.linux.uidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
    c.linux.gidMappings = [{ containerID: 0, hostID: 100000, size: 65536 }];
    c.linux.devices = [{ path: '/dev/fuse', type: 'c', major: 10, minor: 229, fileMode: 0o666 }];
    c.linux.sysctl = { 'net.ipv4.ip_forward': '1' };
    c.linux.resources = { devices: [{ allow: false, access: 'rwm' }], memory: { limit: 67108864 }, pids: { limit: 50 } };
    c.linux.cgroupsPath = 'berth-dryrun-unit/all';
    c.linux.seccomp = {
      defaultAction: 'SCMP_ACT_ERRNO',
      architectures: ['SCMP_ARCH_X86_64'],
      syscalls: [
        { names: ['read', 'write', 'exit_group', 'futex'], action: 'SCMP_ACT_ALLOW' },
        { names: ['kill'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 },
      ],
    };
    const hook = (name: string) => [{ path: '/bin/true', args: ['true', name], env: [`HOOK=${name}`], timeout: 5 }];
    c.hooks = {
      prestart: hook('prestart'), createRuntime: hook('createRuntime'), createContainer: hook('createContainer'),
      startContainer: hook('startContainer'), poststart: hook('poststart'), poststop: hook('poststop'),
    };
  });
  const doc = createDryRun(g, { id: 'dry-all', bundle: dir }, 'create');

  it('is valid against the schema', () => {
    expect(validate(JSON.parse(renderJson(doc))), JSON.stringify(validate.errors)).toBe(true);
  });

  it('carries the warnings create prints', () => {
    expect(doc.warnings).toContainEqual(expect.stringContaining('CAP_BERTH_UNKNOWN is not known to this kernel'));
  });

  it('names the config field of every step that comes from one', () => {
    expect(stepFrom(doc, `/mounts/${N}`).map((s) => s.detail)).toEqual([
      expect.objectContaining({ source: '/tmp', target: '/data', flags: ['bind', 'rec'] }),
      expect.objectContaining({ target: '/data', flags: ['rdonly', 'nosuid', 'remount', 'bind'] }),
    ]);
    expect(stepFrom(doc, `/mounts/${N + 1}`)[0]!.detail).toMatchObject({ type: 'tmpfs', target: '/scratch', flags: ['noexec'], data: 'size=1m' });
    // A new user namespace: the device node is bound from the host, not made.
    expect(stepFrom(doc, '/linux/devices/0')[0]).toMatchObject({ op: 'MOUNT_IN_ROOT', detail: { source: '/dev/fuse', target: '/dev/fuse' } });
    expect(stepFrom(doc, '/linux/uidMappings')[0]!.detail).toEqual({ uidMap: ['container 0 → host 100000 (65536 ids)'], gidMap: ['container 0 → host 100000 (65536 ids)'] });
    expect(doc.host.steps.some((s) => s.op === 'USERNS_MAPS')).toBe(true);
    expect(stepFrom(doc, '/linux/sysctl/net.ipv4.ip_forward')[0]!.detail).toEqual({ path: '/proc/sys/net/ipv4/ip_forward', value: '1' });
    expect(stepFrom(doc, '/process/rlimits/1')[0]!.detail).toEqual({ resource: 'RLIMIT_NPROC', soft: '100', hard: '200' });
    expect(stepFrom(doc, '/process/oomScoreAdj')[0]!.op).toBe('OOM_SCORE_ADJ');
    expect(stepFrom(doc, '/process/user/uid')[0]!.detail).toEqual({ uid: 1000 });
    expect(stepFrom(doc, '/process/user/additionalGids')[0]!.detail).toEqual({ additionalGids: ['10', '20'] });
    expect(stepFrom(doc, '/process/user/umask')[0]!.op).toBe('UMASK');
    expect(stepFrom(doc, '/process/capabilities')[0]!.detail).toMatchObject({ ambient: ['CAP_KILL'], inheritable: ['CAP_KILL'] });
    expect(stepFrom(doc, '/process/capabilities/bounding')[0]!.detail.bounding).toContain('CAP_NET_RAW');
    expect(stepFrom(doc, '/domainname')[0]!.op).toBe('SETDOMAINNAME');
    expect(stepFrom(doc, '/hooks')[0]!.op).toBe('SYNC_HOOKS');
    expect(stepFrom(doc, '/hooks/createContainer/0')[0]!.detail).toEqual({ hook: 'createContainer', path: '/bin/true', timeout: 5, args: ['true', 'createContainer'], env: ['HOOK=createContainer'] });
    // With noNewPrivileges the filter loads after no_new_privs, then the startContainer hooks, then exec.
    const tail = doc.container.steps.slice(-4).map((s) => s.op);
    expect(tail).toEqual(['NO_NEW_PRIVS', 'SECCOMP', 'RUN_HOOK', 'EXEC']);
    expect(doc.container.steps.find((s) => s.op === 'SECCOMP')!.from).toBe('/linux/seccomp');
    const mustHaveSource = ['MOUNT_IN_ROOT', 'MASK_PATH', 'READONLY_PATH', 'RLIMIT', 'SETRESUID', 'SETRESGID', 'CAPS', 'CAP_BOUNDING', 'EXEC', 'RUN_HOOK', 'WRITE_FILE', 'USERNS_MAPS', 'SECCOMP', 'SETHOSTNAME', 'CGROUP_JOIN', 'CLONE'];
    // The default devices (runtime-linux.md) are berth's own: no field names them.
    const defaults = new Set(DEFAULT_DEVICES.map((d) => d.path));
    expect(steps(doc).filter((s) => mustHaveSource.includes(s.op) && !s.from && !defaults.has(String(s.detail.target)))).toEqual([]);
    expect(steps(doc).filter((s) => defaults.has(String(s.detail.target))).length).toBe(DEFAULT_DEVICES.length);
  });

  it('lists every hook with when it runs, seccomp as a summary, the program and its environment', () => {
    expect(doc.hooks.map((h) => `${h.kind} ${h.from}`)).toEqual([
      'prestart /hooks/prestart/0', 'createRuntime /hooks/createRuntime/0', 'createContainer /hooks/createContainer/0',
      'startContainer /hooks/startContainer/0', 'poststart /hooks/poststart/0', 'poststop /hooks/poststop/0',
    ]);
    expect(doc.hooks.find((h) => h.kind === 'startContainer')!.runs).toMatch(/after no_new_privs and the seccomp filter/);
    expect(doc.seccomp).toMatchObject({ defaultAction: 'SCMP_ACT_ERRNO', rules: 5, skippedRules: 0, architectures: ['SCMP_ARCH_X86_64'], notify: false, from: '/linux/seccomp' });
    expect(doc.seccomp!.instructions).toBeGreaterThan(5);
    expect(doc.process).toMatchObject({ args: ['/bin/app', '--flag'], cwd: '/work', uid: 1000, gid: 1000, noNewPrivileges: true });
    expect(doc.process.env).toEqual([...defaultConfig().process.env, 'APP=1', 'HOME=/']);
  });

  it('shows every cgroup write with its value and field', () => {
    const cg = doc.host.cgroup!;
    if (cg.layout === 'unified') {
      expect(cg.writes).toContainEqual({ path: `${cg.paths['']}/memory.max`, value: '67108864', from: '/linux/resources/memory/limit' });
      expect(cg.writes).toContainEqual({ path: `${cg.paths['']}/pids.max`, value: '50', from: '/linux/resources/pids/limit' });
    } else {
      expect(cg.writes).toContainEqual({ path: `${cg.paths.memory}/memory.limit_in_bytes`, value: '67108864', from: '/linux/resources/memory/limit' });
      expect(cg.writes).toContainEqual({ path: `${cg.paths.pids}/pids.max`, value: '50', from: '/linux/resources/pids/limit' });
    }
    expect(Object.values(cg.paths).every((p) => p.endsWith('/berth-dryrun-unit/all'))).toBe(true);
  });

  it('renders every group as text', () => {
    const text = renderText(doc);
    expect(text).toMatch(/^Warnings \(create prints these too\)\n  config\.json: \/process\/capabilities\/bounding\/\d+: CAP_BERTH_UNKNOWN/m);
    expect(text).toMatch(/^    write \S+(memory\.limit_in_bytes|memory\.max) = "67108864"  <- \/linux\/resources\/memory\/limit$/m);
    expect(text).toMatch(/^ +\d+\. write user namespace id maps \(uidMap=container 0 → host 100000 \(65536 ids\) gidMap=container 0 → host 100000 \(65536 ids\)\)  <- \/linux\/uidMappings$/m);
    expect(text).toMatch(new RegExp(String.raw`^ +\d+\. mount \/tmp on \/data \(source=\/tmp target=\/data type=- flags=bind,rec data=- kind=dir\)  <- \/mounts\/${N}$`, 'm'));
    expect(text).toMatch(/^  createRuntime 0: true createRuntime \(timeout 5s\): run by the runtime, in its own namespaces, at create: .*  <- \/hooks\/createRuntime\/0$/m);
    expect(text).toMatch(/^  default action SCMP_ACT_ERRNO, 5 rules \(0 skipped: unknown to libseccomp\), \d+ BPF instructions  <- \/linux\/seccomp$/m);
    expect(text).toMatch(/^  \/bin\/app --flag  <- \/process\/args\n  cwd \/work, uid 1000, gid 1000, no_new_privs\n  environment  <- \/process\/env\n(    .*\n)*    APP=1\n    HOME=\/\n/m);
  });

  it('refuses what create refuses, naming the field, and makes nothing', () => {
    const bad = bundle((c) => {
      c.process.terminal = false;
      c.linux.resources = { memory: { swappiness: 101 } };
    });
    expect(() => createDryRun(bad.g, { id: 'dry-bad', bundle: bad.dir }, 'create')).toThrow(/swappiness/);
    const term = bundle();
    expect(() => createDryRun(term.g, { id: 'dry-term', bundle: term.dir }, 'create')).toThrow('config.json: /process/terminal: a terminal needs --console-socket');
    // run proxies the terminal itself: its dry run shows that instead.
    expect(createDryRun(term.g, { id: 'dry-term', bundle: term.dir }, 'run').host.steps[0]).toMatchObject({ op: 'CONSOLE_CONNECT' });
  });
});
