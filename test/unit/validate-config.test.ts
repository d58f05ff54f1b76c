import { describe, it, expect } from 'vitest';
import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { validateConfig, type ConfigOptions } from '../../src/validate/config.js';
import { defaultConfig } from '../../src/spec/default-config.js';
import { officialFixtures } from '../helpers/official-schemas.js';

/** berth's default config, edited; validated. */
const check = (edit: (c: any) => void, opts: ConfigOptions = {}) => {
  const c = defaultConfig();
  edit(c);
  return validateConfig(c, opts);
};
const errors = (edit: (c: any) => void, opts: ConfigOptions = {}) => check(edit, opts).errors;
const warnings = (edit: (c: any) => void, opts: ConfigOptions = {}) => check(edit, opts).warnings;
const userns = (c: any) => c.linux.namespaces.push({ type: 'user' });

describe('validateConfig: schema errors', () => {
  it('accepts the default configs', () => {
    expect(validateConfig(defaultConfig())).toEqual({ errors: [], warnings: [] });
    expect(validateConfig(defaultConfig({ rootless: true }))).toEqual({ errors: [], warnings: [] });
  });

  it('names the file and the JSON path', () => {
    expect(errors((c) => (c.linux.namespaces[2].type = 'nope'))).toEqual([
      'config.json: /linux/namespaces/2/type: must be one of pid, network, mount, ipc, uts, user, cgroup, time',
    ]);
    expect(errors((c) => delete c.root.path)).toEqual(['config.json: /root/path: is required']);
    expect(errors((c) => (c.process.user.uid = -1))).toEqual(['config.json: /process/user/uid: must be >= 0']);
    expect(errors((c) => (c.process.terminal = 'yes'))).toEqual(['config.json: /process/terminal: must be boolean']);
    expect(errors((c) => (c.linux.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: [], action: 'SCMP_ACT_ERRNO' }] }))).toEqual([
      'config.json: /linux/seccomp/syscalls/0/names: must have at least 1 item',
    ]);
    expect(errors((c) => (c.linux.timeOffsets = { realtime: { secs: 1 } }))).toEqual([
      'config.json: /linux/timeOffsets/realtime: key must be one of boottime, monotonic',
    ]);
  });

  it('uses the file name it is given', () => {
    expect(errors((c) => (c.hostname = 1), { file: '/b/config.json' })).toEqual(['/b/config.json: /hostname: must be string']);
  });

  it('a document that is not an object', () => {
    expect(validateConfig(null).errors).toEqual(['config.json: /: must be object']);
    expect(validateConfig({}).errors).toEqual(['config.json: /ociVersion: is required']);
  });

  it('unknown properties are ignored (config.md "Extensibility")', () => {
    expect(check((c) => ((c.future = { x: 1 }), (c.linux.future = 1), (c.process.future = [])))).toEqual({ errors: [], warnings: [] });
  });
});

describe('validateConfig: ociVersion, root, process', () => {
  it('ociVersion must be SemVer 2.0.0 with major version 1', () => {
    expect(errors((c) => (c.ociVersion = '1.0'))).toEqual(['config.json: /ociVersion: "1.0" is not a SemVer 2.0.0 version']);
    expect(errors((c) => (c.ociVersion = '01.0.0'))[0]).toMatch(/is not a SemVer/);
    expect(errors((c) => (c.ociVersion = '2.0.0'))).toEqual(['config.json: /ociVersion: version 2.0.0 is not supported: berth supports runtime-spec 1.x']);
    expect(errors((c) => (c.ociVersion = '0.5.0'))[0]).toMatch(/berth supports runtime-spec 1\.x/);
    expect(errors((c) => (c.ociVersion = '1.2.0-rc.1+dev'))).toEqual([]);
  });

  it('root is required; root.path must be a directory of the bundle', () => {
    expect(errors((c) => delete c.root)).toEqual(['config.json: /root: is required on Linux']);
    const dir = mkdtempSync(join(tmpdir(), 'berth-unit-'));
    try {
      expect(errors(() => undefined, { bundleDir: dir })).toEqual([`config.json: /root/path: root filesystem ${join(dir, 'rootfs')} does not exist`]);
      writeFileSync(join(dir, 'rootfs'), '');
      expect(errors(() => undefined, { bundleDir: dir })[0]).toMatch(/^config\.json: \/root\/path: root filesystem .*rootfs is not a directory$/);
      rmSync(join(dir, 'rootfs'));
      mkdirSync(join(dir, 'rootfs'));
      expect(errors(() => undefined, { bundleDir: dir })).toEqual([]);
      expect(errors((c) => (c.root.path = join(dir, 'rootfs')), { bundleDir: '/nonexistent' })).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('process is required to create; it can be waived', () => {
    expect(errors((c) => delete c.process)).toEqual(['config.json: /process: is required to create a container']);
    expect(errors((c) => delete c.process, { requireProcess: false })).toEqual([]);
  });

  it('cwd must be absolute; args needs an entry; user needs uid and gid', () => {
    expect(errors((c) => (c.process.cwd = 'tmp'))).toEqual(['config.json: /process/cwd: must be an absolute path, not "tmp"']);
    expect(errors((c) => delete c.process.cwd)).toEqual(['config.json: /process/cwd: is required']);
    expect(errors((c) => (c.process.args = []))).toEqual(['config.json: /process/args: must have at least one entry (the program to run)']);
    expect(errors((c) => delete c.process.args)).toEqual(['config.json: /process/args: is required (the program to run)']);
    expect(errors((c) => (c.process.user = { uid: 0 }))).toEqual(['config.json: /process/user/gid: is required']);
  });

  it('duplicate rlimit types are errors', () => {
    expect(errors((c) => c.process.rlimits.push({ type: 'RLIMIT_NOFILE', soft: 1, hard: 1 }))).toEqual([
      'config.json: /process/rlimits/1/type: duplicate rlimit RLIMIT_NOFILE (also at /process/rlimits/0)',
    ]);
  });

  it('capabilities the kernel does not know are warnings, not errors', () => {
    const knownCaps = new Set(['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE']);
    const r = check((c) => c.process.capabilities.bounding.push('CAP_FUTURE_THING'), { knownCaps });
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual(['config.json: /process/capabilities/bounding/3: CAP_FUTURE_THING is not known to this kernel; ignored']);
    // Without the kernel's list, only names that cannot be capabilities are warned about.
    expect(check((c) => c.process.capabilities.effective.push('CAP_FUTURE_THING', 'chown'))).toEqual({
      errors: [],
      warnings: ['config.json: /process/capabilities/effective/4: chown is not a capability name; ignored'],
    });
  });

  it('ioPriority needs a priority of 0-7; oomScoreAdj is -1000..1000', () => {
    expect(errors((c) => (c.process.ioPriority = { class: 'IOPRIO_CLASS_BE' }))).toEqual(['config.json: /process/ioPriority/priority: is required']);
    expect(errors((c) => (c.process.ioPriority = { class: 'IOPRIO_CLASS_BE', priority: 8 }))).toEqual([
      'config.json: /process/ioPriority/priority: must be between 0 (highest) and 7 (lowest)',
    ]);
    expect(errors((c) => (c.process.ioPriority = { class: 'IOPRIO_CLASS_BE', priority: 7 }))).toEqual([]);
    expect(errors((c) => (c.process.oomScoreAdj = 1001))).toEqual(['config.json: /process/oomScoreAdj: must be <= 1000']);
  });
});

describe('validateConfig: mounts, hooks, annotations', () => {
  it('a relative mount destination is a deprecation warning, not an error', () => {
    const r = check((c) => c.mounts.push({ destination: 'data', type: 'tmpfs', source: 'tmpfs' }));
    expect(r.errors).toEqual([]);
    expect(r.warnings).toEqual(['config.json: /mounts/7/destination: relative destination "data" is deprecated; taken as relative to "/"']);
  });

  it('mount id mappings come in pairs; idmap needs mappings or a user namespace', () => {
    const map = [{ containerID: 0, hostID: 1000, size: 1 }];
    expect(errors((c) => c.mounts.push({ destination: '/d', source: '/s', options: ['bind', 'idmap'], uidMappings: map }))).toEqual([
      'config.json: /mounts/7/gidMappings: is required with uidMappings',
    ]);
    expect(errors((c) => c.mounts.push({ destination: '/d', source: '/s', options: ['rbind', 'ridmap'] }))).toEqual([
      'config.json: /mounts/7/options: ridmap needs uidMappings and gidMappings on the mount or a user namespace',
    ]);
    expect(errors((c) => (userns(c), (c.linux.uidMappings = c.linux.gidMappings = map), c.mounts.push({ destination: '/d', source: '/s', options: ['bind', 'idmap'] })))).toEqual([]);
    // Mappings alone make the mount idmapped (runc 1.2): no warning, no error.
    expect(check((c) => c.mounts.push({ destination: '/d', source: '/s', options: ['bind'], uidMappings: map, gidMappings: map }))).toEqual({ errors: [], warnings: [] });
  });

  it('idmapped mounts: bind only, mappings the kernel will take', () => {
    const map = [{ containerID: 0, hostID: 1000, size: 1 }];
    expect(errors((c) => c.mounts.push({ destination: '/d', type: 'tmpfs', source: 'tmpfs', uidMappings: map, gidMappings: map }))).toEqual([
      'config.json: /mounts/7/options: an idmapped mount must be a bind mount ("bind" or "rbind")',
    ]);
    expect(errors((c) => (userns(c), (c.linux.uidMappings = c.linux.gidMappings = map), c.mounts.push({ destination: '/d', type: 'tmpfs', source: 'tmpfs', options: ['idmap'] })))).toEqual([
      'config.json: /mounts/7/options: an idmapped mount must be a bind mount ("bind" or "rbind")',
    ]);
    expect(errors((c) => c.mounts.push({ destination: '/d', source: '/s', options: ['bind'], uidMappings: [], gidMappings: map }))).toEqual([
      'config.json: /mounts/7/uidMappings: must not be empty for an idmapped mount',
    ]);
    const overlapping = [{ containerID: 0, hostID: 1000, size: 10 }, { containerID: 5, hostID: 5000, size: 10 }, { containerID: 100, hostID: 1009, size: 1 }];
    expect(errors((c) => c.mounts.push({ destination: '/d', source: '/s', options: ['bind'], uidMappings: overlapping, gidMappings: map }))).toEqual([
      'config.json: /mounts/7/uidMappings/1: containerID range overlaps /mounts/7/uidMappings/0',
      'config.json: /mounts/7/uidMappings/2: hostID range overlaps /mounts/7/uidMappings/0',
    ]);
    expect(errors((c) => c.mounts.push({ destination: '/d', source: '/s', options: ['bind'], uidMappings: map, gidMappings: [{ containerID: 0, hostID: 4294967295, size: 2 }, { containerID: 9, hostID: 9, size: 0 }] }))).toEqual([
      'config.json: /mounts/7/gidMappings/0: goes past the last 32-bit id',
      'config.json: /mounts/7/gidMappings/1/size: must be at least 1',
    ]);
    const many = Array.from({ length: 341 }, (_, i) => ({ containerID: i, hostID: 1000 + i, size: 1 }));
    expect(errors((c) => c.mounts.push({ destination: '/d', source: '/s', options: ['bind'], uidMappings: many, gidMappings: map }))).toEqual([
      'config.json: /mounts/7/uidMappings: has 341 entries; the kernel takes at most 340',
    ]);
    // A user namespace joined by path lends its mappings to "idmap".
    expect(errors((c) => (c.linux.namespaces.push({ type: 'user', path: '/proc/1/ns/user' }), c.mounts.push({ destination: '/d', source: '/s', options: ['bind', 'idmap'] })))).toEqual([]);
  });

  it('hook paths must be absolute; prestart is deprecated', () => {
    expect(errors((c) => (c.hooks = { poststop: [{ path: '/bin/true' }, { path: 'cleanup.sh' }] }))).toEqual([
      'config.json: /hooks/poststop/1/path: must be an absolute path, not "cleanup.sh"',
    ]);
    expect(errors((c) => (c.hooks = { poststart: [{ path: '/bin/true', timeout: 0 }] }))).toEqual(['config.json: /hooks/poststart/0/timeout: must be >= 1']);
    expect(warnings((c) => (c.hooks = { prestart: [{ path: '/bin/true' }] }))).toEqual([
      'config.json: /hooks/prestart: is deprecated; use createRuntime, createContainer or startContainer',
    ]);
  });

  it('annotation keys must not be empty; values are strings', () => {
    expect(errors((c) => (c.annotations = { '': 'x' }))).toEqual(['config.json: /annotations/: an annotation key must not be empty']);
    expect(errors((c) => (c.annotations = { 'com.example/a': 1 }))).toEqual(['config.json: /annotations/com.example~1a: must be string']);
  });
});

describe('validateConfig: namespaces and id mappings', () => {
  it('duplicate namespace types are errors', () => {
    expect(errors((c) => c.linux.namespaces.push({ type: 'pid' }))).toEqual([
      'config.json: /linux/namespaces/6/type: duplicate namespace pid (also at /linux/namespaces/0)',
    ]);
  });

  it('a namespace path must be absolute', () => {
    expect(errors((c) => (c.linux.namespaces[1].path = 'run/netns/x'))).toEqual([
      'config.json: /linux/namespaces/1/path: must be an absolute path, not "run/netns/x"',
    ]);
    expect(errors((c) => (c.linux.namespaces[1].path = '/run/netns/x'))).toEqual([]);
  });

  it('a new user namespace needs uid and gid mappings', () => {
    expect(errors(userns)).toEqual([
      'config.json: /linux/uidMappings: is required for a new user namespace',
      'config.json: /linux/gidMappings: is required for a new user namespace',
    ]);
    expect(errors((c) => (userns(c), (c.linux.uidMappings = [{ containerID: 0, hostID: 1, size: 1 }])))).toEqual([
      'config.json: /linux/gidMappings: is required for a new user namespace',
    ]);
    // Joining one needs none.
    expect(errors((c) => c.linux.namespaces.push({ type: 'user', path: '/proc/1/ns/user' }))).toEqual([]);
  });

  it('id mappings need a user namespace', () => {
    expect(errors((c) => (c.linux.uidMappings = [{ containerID: 0, hostID: 1, size: 1 }]))).toEqual([
      'config.json: /linux/uidMappings: needs a user namespace in /linux/namespaces',
    ]);
    expect(check((c) => (c.linux.namespaces.push({ type: 'user', path: '/proc/1/ns/user' }), (c.linux.gidMappings = [{ containerID: 0, hostID: 1, size: 1 }])))).toEqual({
      errors: [],
      warnings: ['config.json: /linux/gidMappings: not applied: the user namespace is joined from /proc/1/ns/user'],
    });
  });

  it('time offsets need a new time namespace; netDevices a network namespace', () => {
    expect(errors((c) => (c.linux.timeOffsets = { monotonic: { secs: 10 } }))).toEqual([
      'config.json: /linux/timeOffsets: needs a new time namespace (type "time" without a path) in /linux/namespaces',
    ]);
    expect(errors((c) => ((c.linux.timeOffsets = { monotonic: { secs: 10 } }), c.linux.namespaces.push({ type: 'time' })))).toEqual([]);
    expect(errors((c) => ((c.linux.namespaces = c.linux.namespaces.filter((n: any) => n.type !== 'network')), (c.linux.netDevices = { eth0: {} })))).toEqual([
      'config.json: /linux/netDevices: needs a network namespace in /linux/namespaces',
    ]);
  });
});

describe('validateConfig: devices, resources, seccomp and the rest of linux', () => {
  it('devices: absolute path, major/minor unless a fifo, duplicates warned', () => {
    expect(errors((c) => (c.linux.devices = [{ type: 'c', path: 'dev/fuse', major: 10, minor: 229 }]))).toEqual([
      'config.json: /linux/devices/0/path: must be an absolute path, not "dev/fuse"',
    ]);
    expect(errors((c) => (c.linux.devices = [{ type: 'b', path: '/dev/sda', major: 8 }]))).toEqual(['config.json: /linux/devices/0/minor: is required for a type "b" device']);
    expect(errors((c) => (c.linux.devices = [{ type: 'p', path: '/dev/fifo' }]))).toEqual([]);
    expect(errors((c) => (c.linux.devices = [{ type: 'x', path: '/dev/x' }]))).toEqual(['config.json: /linux/devices/0/type: must be one of c, b, u, p']);
    expect(warnings((c) => (c.linux.devices = [{ type: 'c', path: '/dev/a', major: 1, minor: 3 }, { type: 'c', path: '/dev/b', major: 1, minor: 3 }]))).toEqual([
      'config.json: /linux/devices/1: same type, major and minor as /linux/devices/0',
    ]);
  });

  it('cgroupsPath and resources', () => {
    expect(errors((c) => (c.linux.cgroupsPath = '/a/../b'))).toEqual(['config.json: /linux/cgroupsPath: must not contain ".."']);
    const res = (r: any) => (c: any) => (c.linux.resources = r);
    expect(errors(res({ memory: { swappiness: 101 } }))).toEqual(['config.json: /linux/resources/memory/swappiness: must be between 0 and 100']);
    expect(errors(res({ cpu: { quota: 1000, burst: 2000 } }))).toEqual(['config.json: /linux/resources/cpu/burst: must not be larger than quota (1000)']);
    expect(errors(res({ cpu: { quota: -1, burst: 2000 } }))).toEqual([]);
    expect(errors(res({ blockIO: { weightDevice: [{ major: 8, minor: 0 }] } }))).toEqual(['config.json: /linux/resources/blockIO/weightDevice/0: needs weight or leafWeight']);
    expect(errors(res({ blockIO: { throttleReadBpsDevice: [{ major: 8, minor: 0 }] } }))).toEqual(['config.json: /linux/resources/blockIO/throttleReadBpsDevice/0/rate: is required']);
    expect(errors(res({ rdma: { mlx5_1: {} } }))).toEqual(['config.json: /linux/resources/rdma/mlx5_1: needs hcaHandles or hcaObjects']);
    expect(errors(res({ unified: { '../cgroup.procs': '1', 'memory.max': '1G' } }))).toEqual(['config.json: /linux/resources/unified/..~1cgroup.procs: must name a file in the container cgroup']);
    // Letters runc ignores (Docker sends "rwa") are a warning, not an error.
    expect(errors(res({ devices: [{ allow: true, access: 'rwa' }] }))).toEqual([]);
    expect(warnings(res({ devices: [{ allow: true, access: 'rwax' }] }))).toEqual([
      'config.json: /linux/resources/devices/0/access: "rwax": ax ignored (access is a composition of r, w, m; runc ignores other letters too)',
    ]);
    expect(errors(res({ pids: {} }))).toEqual([]); // pids.limit is OPTIONAL in runtime-spec 1.3
    // Ignored as runc ignores them, with runc's warning (src/spec/ledger.ts).
    expect(warnings(res({ memory: { kernel: 1 << 20, kernelTCP: 1 << 20 } }))).toEqual([
      'config.json: /linux/resources/memory/kernel: kernel memory settings are ignored and will be removed (as runc: the kernel no longer takes them)',
      'config.json: /linux/resources/memory/kernelTCP: kernel memory settings are ignored and will be removed (as runc: the kernel no longer takes them)',
    ]);
  });

  it('seccomp: errnoRet only with ERRNO/TRACE, listener rules, argument index', () => {
    const sc = (s: any) => (c: any) => (c.linux.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', ...s });
    expect(errors(sc({ defaultErrnoRet: 1 }))).toEqual([
      'config.json: /linux/seccomp/defaultErrnoRet: is not allowed with defaultAction SCMP_ACT_ALLOW (only SCMP_ACT_ERRNO and SCMP_ACT_TRACE take an errno)',
    ]);
    expect(errors(sc({ defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 1 }))).toEqual([]);
    expect(errors(sc({ syscalls: [{ names: ['mount'], action: 'SCMP_ACT_KILL', errnoRet: 1 }] }))[0]).toMatch(/^config\.json: \/linux\/seccomp\/syscalls\/0\/errnoRet: is not allowed with action SCMP_ACT_KILL/);
    expect(errors(sc({ listenerMetadata: 'x' }))).toEqual(['config.json: /linux/seccomp/listenerMetadata: must not be set without listenerPath']);
    expect(errors(sc({ syscalls: [{ names: ['mount'], action: 'SCMP_ACT_NOTIFY' }] }))).toEqual([
      'config.json: /linux/seccomp/syscalls/0/action: SCMP_ACT_NOTIFY needs /linux/seccomp/listenerPath',
    ]);
    expect(errors(sc({ listenerPath: '/run/agent.sock', syscalls: [{ names: ['mount'], action: 'SCMP_ACT_NOTIFY' }] }))).toEqual([]);
    expect(errors(sc({ syscalls: [{ names: ['clone'], action: 'SCMP_ACT_ERRNO', args: [{ index: 6, value: 1, op: 'SCMP_CMP_EQ' }] }] }))).toEqual([
      'config.json: /linux/seccomp/syscalls/0/args/0/index: must be between 0 and 5 (a syscall has six arguments)',
    ]);
    expect(errors(sc({ architectures: ['SCMP_ARCH_PDP11'] }))[0]).toMatch(/^config\.json: \/linux\/seccomp\/architectures\/0: must be one of SCMP_ARCH_X86, /);
    expect(errors(sc({ flags: ['SECCOMP_FILTER_FLAG_TSYNC'], syscalls: [{ names: ['x'], action: 'SCMP_ACT_LOG', args: [{ index: 0, value: 1, op: 'SCMP_CMP_ALWAYS' }] }] }))[0]).toMatch(
      /\/linux\/seccomp\/syscalls\/0\/args\/0\/op: must be one of SCMP_CMP_NE, /,
    );
  });

  it('maskedPaths and readonlyPaths must be absolute', () => {
    expect(errors((c) => c.linux.maskedPaths.push('proc/kcore'))).toEqual(['config.json: /linux/maskedPaths/10: must be an absolute path, not "proc/kcore"']);
    expect(errors((c) => c.linux.readonlyPaths.push('sys'))).toEqual(['config.json: /linux/readonlyPaths/5: must be an absolute path, not "sys"']);
  });

  it('intelRdt, memoryPolicy, personality, rootfsPropagation', () => {
    expect(errors((c) => (c.linux.intelRdt = { closID: '../x' }))).toEqual(['config.json: /linux/intelRdt/closID: must be "/" or one directory name']);
    expect(errors((c) => (c.linux.intelRdt = { closID: '/', schemata: ['L3:0=7f0\nMB:0=20'] }))).toEqual(['config.json: /linux/intelRdt/schemata/0: must not contain a newline']);
    expect(errors((c) => (c.linux.intelRdt = { memBwSchema: 'L3:0=1' }))).toEqual(['config.json: /linux/intelRdt/memBwSchema: must match ^MB:[^\\n]*$']);
    expect(warnings((c) => (c.linux.intelRdt = { l3CacheSchema: '0=7f0' }))).toEqual(['config.json: /linux/intelRdt/l3CacheSchema: should start with "L3:" and have no newlines']);
    expect(errors((c) => (c.linux.mountLabel = 'system_u:object_r:x_t:s0"x'))).toEqual(['config.json: /linux/mountLabel: must not contain a double quote or a newline']);
    expect(errors((c) => (c.linux.mountLabel = 'system_u:object_r:container_file_t:s0:c1,c2'))).toEqual([]);
    expect(errors((c) => (c.linux.memoryPolicy = { mode: 'MPOL_BIND' }))).toEqual(['config.json: /linux/memoryPolicy/nodes: is required for MPOL_BIND']);
    expect(errors((c) => (c.linux.memoryPolicy = { mode: 'MPOL_LOCAL', nodes: '0' }))).toEqual(['config.json: /linux/memoryPolicy/nodes: must be empty for MPOL_LOCAL']);
    expect(errors((c) => (c.linux.memoryPolicy = { nodes: '0' }))).toEqual(['config.json: /linux/memoryPolicy/mode: is required']);
    expect(errors((c) => (c.linux.memoryPolicy = { mode: 'MPOL_INTERLEAVE', nodes: '0-3', flags: ['MPOL_F_STATIC_NODES'] }))).toEqual([]);
    expect(errors((c) => (c.linux.personality = { domain: 'LINUX32', flags: ['ADDR_NO_RANDOMIZE'] }))).toEqual(['config.json: /linux/personality/flags: no personality flags are supported (runtime-spec 1.3)']);
    expect(errors((c) => (c.linux.personality = { flags: [] }))).toEqual(['config.json: /linux/personality/domain: is required']);
    expect(errors((c) => (c.linux.rootfsPropagation = 'rslave'))).toEqual([]);
    expect(errors((c) => (c.linux.rootfsPropagation = 'recursive'))[0]).toMatch(/^config\.json: \/linux\/rootfsPropagation: must be one of shared, slave, private, unbindable/);
  });
});

describe('validateConfig: official fixtures', () => {
  it('every bad fixture yields an error naming a JSON path', () => {
    const bad = officialFixtures('config').filter((f) => f.verdict === 'bad');
    let parsed = 0;
    for (const f of bad) {
      let doc: unknown;
      try {
        doc = JSON.parse(f.text);
      } catch {
        continue; // invalid JSON: the bundle loader reports it
      }
      parsed++;
      const r = validateConfig(doc);
      expect(r.errors.length, f.name).toBeGreaterThan(0);
      for (const e of r.errors) expect(e, f.name).toMatch(/^config\.json: \/\S*: \S/);
    }
    expect(parsed).toBeGreaterThan(0);
  });

  it('good fixtures pass the semantic rules too, given a process (where they target runtime-spec 1.x)', () => {
    for (const f of officialFixtures('config').filter((f) => f.verdict === 'good')) {
      const doc = JSON.parse(f.text);
      const r = validateConfig(doc, { requireProcess: false });
      if (!doc.ociVersion.startsWith('1.')) expect(r.errors, f.name).toEqual([`config.json: /ociVersion: version ${doc.ociVersion} is not supported: berth supports runtime-spec 1.x`]);
      else if (doc.linux?.netDevices) expect(r.errors, f.name).toEqual(['config.json: /linux/netDevices: needs a network namespace in /linux/namespaces']);
      else expect(r.errors, f.name).toEqual([]);
    }
  });
});
