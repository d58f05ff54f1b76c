// cgroups against the real kernel, as root, on whatever layout the machine has: cgroup v1
// (legacy/hybrid: this build machine) or cgroup v2 (the VM lane, scripts/cgroup2-vm/run.sh runs
// this file inside a pure-cgroup2 VM). Same scenarios, per-layout file names
// (test/helpers/cgroup-files.ts). Every cgroup is relative (nested under this test process's own
// cgroups, with a unique name) and removed by its test.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { detectLayout, openCgroup, reopenCgroup, type Cgroup } from '../../src/cgroups/index.js';
import { native } from '../../src/native/addon.js';
import { files, frozenOnDisk, isUnified, mainDir, readAt, readCpuMax, sharesValue } from '../helpers/cgroup-files.js';
import { BERTH, REPO, berth, berthYielding as cli, haveBuild, makeBundle, uniqueId, type TestBundle } from '../helpers/bundle.js';

const isRoot = process.getuid?.() === 0;
const layout = detectLayout();
const unified = layout === 'unified';
// The device tests open /dev/net/tun: not in runc's default allow list, harmless to open (the VM
// lane loads the tun module).
const haveTun = existsSync('/dev/net/tun');

const made: Cgroup[] = [];
const children: ChildProcess[] = [];
const bundles: TestBundle[] = [];

function uniqueName(tag: string): string {
  return `berth-test-${tag}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

function open(tag: string, path?: string): Cgroup {
  const cg = openCgroup({ cgroupsPath: path ?? uniqueName(tag), id: 'unused' });
  made.push(cg);
  return cg;
}

function sleeper(): ChildProcess {
  const c = spawn('sleep', ['300'], { stdio: 'ignore' });
  children.push(c);
  return c;
}

function join_(cg: Cgroup, pid: number): void {
  // What the init's CGROUP_JOIN does, for another pid.
  for (const f of cg.procsFiles()) writeFileSync(f, String(pid));
}

function exited(c: ChildProcess): Promise<void> {
  return new Promise((res) => {
    if (c.exitCode !== null || c.signalCode !== null) res();
    else c.once('exit', () => res());
  });
}

const TUN_PROBE = '(exec 3<>/dev/net/tun) 2>/dev/null && echo tun-ok || echo tun-denied';

/** Output of a shell script run by a process that joined the cgroup first (default: may it open /dev/net/tun?). */
async function probeTun(cg: Cgroup, script = TUN_PROBE): Promise<string> {
  const c = spawn('sh', ['-c', `read _; ${script}`], { stdio: ['pipe', 'pipe', 'ignore'] });
  children.push(c);
  let out = '';
  c.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  join_(cg, c.pid!);
  c.stdin!.end('go\n');
  await exited(c);
  return out.trim();
}

afterEach(async () => {
  for (const b of bundles.splice(0)) b.cleanup(); // delete --force: its init, cgroups and state
  for (const c of children.splice(0)) {
    if (c.exitCode === null && c.signalCode === null) {
      c.kill('SIGKILL');
      await exited(c);
    }
  }
  for (const cg of made.splice(0).reverse()) {
    try {
      cg.thaw();
    } catch {
      // not frozen / gone
    }
    cg.destroy();
  }
});

describe.skipIf(!isRoot)(`cgroups (root, ${layout} layout)`, () => {
  it('creates a relative cgroup under our own cgroup and writes the resources', () => {
    const cg = open('res');
    const own = readFileSync('/proc/self/cgroup', 'utf8');
    if (unified) {
      const ownDir = /^0::(.*)$/m.exec(own)![1]!;
      expect(cg.record.paths['']!.startsWith(join('/sys/fs/cgroup', ownDir) + (ownDir === '/' ? '' : '/'))).toBe(true);
      expect(Object.keys(cg.record.paths)).toEqual(['']);
    } else {
      const memOwn = /^\d+:memory:(.*)$/m.exec(own)![1]!;
      expect(cg.record.paths.memory!.startsWith(join('/sys/fs/cgroup/memory', memOwn) + '/')).toBe(true);
    }

    cg.create({
      memory: { limit: 64 * 1024 * 1024, reservation: 32 * 1024 * 1024, swappiness: 10, disableOOMKiller: false },
      cpu: { shares: 512, quota: 50000, period: 100000, cpus: '0', mems: '0' },
      pids: { limit: 32 },
      devices: [
        { allow: false, access: 'rwm' },
        { allow: true, type: 'c', major: 10, minor: 229, access: 'rw' },
      ],
    });
    const rec = cg.record;
    expect(rec.created.length).toBeGreaterThan(0);
    for (const d of rec.created) expect(existsSync(d)).toBe(true);

    expect(readAt(rec, files.memoryLimit(rec))).toBe(String(64 * 1024 * 1024));
    expect(readAt(rec, files.memoryReservation(rec))).toBe(String(32 * 1024 * 1024));
    expect(readAt(rec, files.cpuShares(rec))).toBe(sharesValue(rec, 512));
    expect(readCpuMax(rec)).toBe('50000 100000');
    expect(readAt(rec, files.cpusetCpus(rec))).toBe('0');
    expect(readAt(rec, files.cpusetMems(rec))).toBe('0');
    expect(readAt(rec, files.pidsMax(rec))).toBe('32');
    if (!unified) {
      expect(readAt(rec, { ctrl: 'memory', file: 'memory.swappiness' })).toBe('10');
      const list = readAt(rec, { ctrl: 'devices', file: 'devices.list' }).split('\n');
      expect(list).toContain('c 10:229 rw');
      expect(list).toContain('c 1:5 rwm'); // a default rule
      expect(list).not.toContain('a *:* rwm');
    }

    cg.update({ pids: { limit: 64 }, memory: { limit: 128 * 1024 * 1024 } });
    expect(readAt(rec, files.pidsMax(rec))).toBe('64');
    expect(readAt(rec, files.memoryLimit(rec))).toBe(String(128 * 1024 * 1024));

    const stats = cg.stats() as { memory: { usage: { limit: number } }; pids: { limit: number }; cpuset: { cpus: number[] } };
    expect(stats.memory.usage.limit).toBe(128 * 1024 * 1024);
    expect(stats.pids.limit).toBe(64);
    expect(stats.cpuset.cpus).toEqual([0]);

    const dirs = [...rec.created];
    cg.destroy();
    for (const d of dirs) expect(existsSync(d)).toBe(false);
    cg.destroy(); // safe to repeat
  });

  it('memory+swap: v1 memsw, v2 memory.swap.max = swap - limit', () => {
    const cg = open('swap');
    cg.create({ memory: { limit: 64 << 20, swap: 96 << 20 } });
    const rec = cg.record;
    if (unified) {
      if (!existsSync(join(rec.paths['']!, 'memory.swap.max'))) return; // no swap accounting
      expect(readAt(rec, { ctrl: '', file: 'memory.swap.max' })).toBe(String(32 << 20));
    } else {
      if (!existsSync(join(rec.paths.memory!, 'memory.memsw.limit_in_bytes'))) return;
      expect(readAt(rec, { ctrl: 'memory', file: 'memory.memsw.limit_in_bytes' })).toBe(String(96 << 20));
    }
    expect(readAt(rec, files.memoryLimit(rec))).toBe(String(64 << 20));
  });

  it.skipIf(!haveTun)('device rules deny what they deny (a real process opening /dev/net/tun and /dev/null)', async () => {
    const run = async (devices: unknown[]): Promise<string> => {
      const cg = open('dev');
      cg.create({ devices });
      return probeTun(cg, `${TUN_PROBE}; echo x >/dev/null && echo null-ok`);
    };
    expect(await run([{ allow: false, access: 'rwm' }])).toBe('tun-denied\nnull-ok');
    expect(await run([{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 10, minor: 200, access: 'rw' }])).toBe('tun-ok\nnull-ok');
    // read-only is not enough for O_RDWR
    expect(await run([{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 10, minor: 200, access: 'r' }])).toBe('tun-denied\nnull-ok');
    // a later deny takes access away from the same device's earlier allow
    expect(await run([{ allow: true, type: 'c', major: 10, minor: 200, access: 'rwm' }, { allow: false, type: 'c', major: 10, minor: 200, access: 'w' }])).toBe('tun-denied\nnull-ok');
    // ... but, as the v1 kernel does it (and v2 follows), a wildcard deny on a deny-all
    // baseline removes only an exception with the same type and numbers: c 10:200 stays
    expect(await run([{ allow: true, type: 'c', major: 10, minor: 200, access: 'rwm' }, { allow: false, type: 'c', major: 10, access: 'w' }])).toBe('tun-ok\nnull-ok');
    // an allow-all baseline with a deny exception
    expect(await run([{ allow: true, access: 'rwm' }, { allow: false, type: 'c', major: 10, minor: 200, access: 'rw' }])).toBe('tun-denied\nnull-ok');
  });

  it.skipIf(!haveTun)('an update replaces the device rules (v1 files, v2 the attached program)', async () => {
    const cg = open('devupd');
    cg.create({ devices: [{ allow: false, access: 'rwm' }] });
    expect(await probeTun(cg)).toBe('tun-denied');
    cg.update({ devices: [{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 10, minor: 200, access: 'rwm' }] });
    expect(await probeTun(cg)).toBe('tun-ok');
    cg.update({ devices: [{ allow: false, access: 'rwm' }] });
    expect(await probeTun(cg)).toBe('tun-denied');
    // v2: the update replaced the program, it did not stack a second one
    if (unified) expect(native().attachedDevicePrograms(cg.record.paths['']!)).toHaveLength(1);
    // an update without devices leaves the rules alone
    cg.update({ pids: { limit: 100 } });
    expect(await probeTun(cg)).toBe('tun-denied');
  });

  it.skipIf(!haveTun)('device rules can be updated while the cgroup has a child cgroup (and bind the child)', async () => {
    const tun = { allow: true, type: 'c', major: 10, minor: 200, access: 'rwm' };
    const cg = open('devchild');
    cg.create({ devices: [{ allow: false, access: 'rwm' }, tun] });
    // a nested cgroup (as a container's own systemd would make), allowing tun itself
    const child = open('devchild', `${mainDir(cg.record).split('/').pop()}/child`);
    child.create({ devices: [{ allow: false, access: 'rwm' }, tun] });
    expect(child.record.created.every((d) => d.endsWith('/child'))).toBe(true);
    expect(await probeTun(child)).toBe('tun-ok');
    // v1: no "a" may be written now (EINVAL with children); v2: the parent's program binds the child
    cg.update({ devices: [{ allow: false, access: 'rwm' }] });
    expect(await probeTun(child)).toBe('tun-denied');
  });

  it('a new cgroup can be joined without cpu values (v1: cpuset inherited)', async () => {
    const cg = open('join');
    cg.create();
    // v1: copied from the parent (else nothing could join); v2: empty means the parent's
    const cpus = unified ? { ctrl: '', file: 'cpuset.cpus.effective' } : files.cpusetCpus(cg.record);
    expect(readAt(cg.record, cpus)).not.toBe('');
    const c = sleeper();
    join_(cg, c.pid!);
    expect(cg.pids()).toEqual([c.pid]);
    for (const f of cg.procsFiles()) expect(readFileSync(f, 'utf8').trim()).toBe(String(c.pid));
  });

  it.skipIf(unified)('v1: a parent made by someone else with an empty cpuset (plain mkdir) is filled, so the leaf can be joined', async () => {
    const pod = open('pod');
    const podDir = pod.record.paths.cpuset!;
    // What an engine's pod-level mkdir leaves: a cpuset dir with empty cpus and mems.
    mkdirSync(podDir);
    const leaf = open('leaf', `${podDir.split('/').pop()}/leaf`);
    try {
      expect(readFileSync(join(podDir, 'cpuset.cpus'), 'utf8').trim()).toBe('');
      leaf.create();
      expect(leaf.record.created).not.toContain(podDir);
      const parentCpus = readFileSync(join(podDir, '..', 'cpuset.cpus'), 'utf8').trim();
      expect(readFileSync(join(podDir, 'cpuset.cpus'), 'utf8').trim()).toBe(parentCpus);
      expect(readAt(leaf.record, files.cpusetMems(leaf.record))).not.toBe('');
      const c = sleeper();
      join_(leaf, c.pid!);
      expect(leaf.pids()).toEqual([c.pid]);
      c.kill('SIGKILL');
      await exited(c);
    } finally {
      made.splice(made.indexOf(leaf), 1);
      leaf.destroy();
      rmdirSync(podDir);
    }
  });

  it('freezes and thaws a real process, lists pids, kills all, then leaves nothing', async () => {
    const cg = open('freeze');
    cg.create({ pids: { limit: 10 } });
    const c = sleeper();
    join_(cg, c.pid!);
    expect(cg.pids()).toEqual([c.pid]);

    expect(cg.isFrozen()).toBe(false);
    cg.freeze();
    expect(cg.isFrozen()).toBe(true);
    expect(frozenOnDisk(cg.record)).toBe(true);
    expect(readFileSync(`/proc/${c.pid}/status`, 'utf8')).toMatch(/^State:\s+[DS]/m);
    cg.thaw();
    expect(cg.isFrozen()).toBe(false);
    expect(frozenOnDisk(cg.record)).toBe(false);

    // the record survives a round trip through state.json
    const again = reopenCgroup(JSON.parse(JSON.stringify(cg.record)));
    expect(again.pids()).toEqual([c.pid]);

    again.killAll(9);
    await exited(c);
    expect(c.signalCode).toBe('SIGKILL');
    expect(again.pids()).toEqual([]);
    expect(again.isFrozen()).toBe(false);

    const dirs = [...again.record.created];
    again.destroy();
    for (const d of dirs) expect(existsSync(d)).toBe(false);
  });

  it('killAll on a paused container with SIGKILL lands; with SIGTERM it stays paused', async () => {
    const cg = open('killpaused');
    cg.create();
    const c = sleeper();
    join_(cg, c.pid!);
    cg.freeze();
    cg.killAll(15);
    expect(cg.isFrozen()).toBe(true);
    cg.killAll(9);
    await exited(c);
    expect(cg.pids()).toEqual([]);
  });

  it('nested relative paths: every level it made is recorded and removed, deepest first', () => {
    const top = uniqueName('nest');
    const cg = open('nest', `${top}/a/b`);
    cg.create();
    const leaf = mainDir(cg.record);
    expect(cg.record.created).toContain(join(leaf, '..', '..'));
    expect(cg.record.created).toContain(leaf);
    cg.destroy();
    for (const d of cg.record.created) expect(existsSync(d)).toBe(false);
  });

  it('destroy removes the container\'s own sub-cgroups first (a nested runtime inside it)', () => {
    const cg = open('inner');
    cg.create();
    const dirs = [...new Set(Object.values(cg.record.paths))];
    for (const d of dirs) mkdirSync(join(d, 'nested', 'deeper'), { recursive: true });
    cg.destroy();
    for (const d of dirs) expect(existsSync(d)).toBe(false);
    made.splice(made.indexOf(cg), 1);
  });

  it('a parent made for one container that another container now uses is left to that one', () => {
    const top = uniqueName('shared');
    const first = open('shared', `${top}/c1`);
    first.create();
    const second = open('shared', `${top}/c2`);
    second.create(); // finds the parent made
    const parent = join(mainDir(first.record), '..');
    expect(first.record.created).toContain(parent);
    expect(second.record.created).not.toContain(parent);
    first.destroy(); // does not fail on the busy parent, nor wait on it
    expect(existsSync(mainDir(first.record))).toBe(false);
    expect(existsSync(mainDir(second.record))).toBe(true);
    second.destroy();
    expect(existsSync(mainDir(second.record))).toBe(false);
    // Left behind by design (as runc leaves parents); the test removes what it made.
    for (const d of new Set(Object.values(first.record.paths).map((p) => join(p, '..')))) if (existsSync(d)) rmdirSync(d);
    made.splice(made.indexOf(first), 1);
    made.splice(made.indexOf(second), 1);
  });

  it('v1 real-time runtime: the parents berth made get the budget; too little above is named', () => {
    if (unified) {
      expect(() => open('rt').create({ cpu: { realtimeRuntime: 10_000 } })).toThrow('linux.resources.cpu.realtimeRuntime: not supported on cgroup v2');
      return;
    }
    const top = uniqueName('rt');
    const cg = open('rt', `${top}/a/b`);
    const leaf = openCgroup({ cgroupsPath: `${top}/a/b`, id: 'unused' }).record.paths.cpu;
    if (leaf === undefined || !existsSync(join(leaf, '..', '..', '..', 'cpu.rt_runtime_us'))) return; // no RT group scheduling
    const budget = Number(readFileSync(join(leaf, '..', '..', '..', 'cpu.rt_runtime_us'), 'utf8'));
    if (budget >= 10_000) {
      cg.create({ cpu: { realtimeRuntime: 10_000, realtimePeriod: 1_000_000 } });
      for (const up of ['.', '..', '../..']) expect(readFileSync(join(leaf, up, 'cpu.rt_runtime_us'), 'utf8').trim()).toBe('10000');
    } else {
      // The test's own cgroup has no real-time budget (systemd's slices, the VM's legacy lane).
      expect(() => cg.create({ cpu: { realtimeRuntime: 10_000 } })).toThrow(/^linux\.resources\.cpu\.realtimeRuntime: 10000 µs is more than the parent cgroup .* grants \(cpu\.rt_runtime_us \d+\)$/);
      expect(existsSync(leaf)).toBe(false);
    }
  });

  it('a bad value fails naming the field and leaves no dir', () => {
    const cg = open('bad');
    let err: Error | undefined;
    try {
      cg.create({ cpu: { cpus: '999' } });
    } catch (e) {
      err = e as Error;
    }
    expect(err?.message).toMatch(/^linux\.resources\.cpu\.cpus: write cpuset\.cpus: /);
    for (const d of Object.values(cg.record.paths)) expect(existsSync(d)).toBe(false);
    expect(cg.record.created).toEqual([]);
  });

  // The fields the field ledger (src/spec/ledger.ts) would otherwise prove by plan alone: their
  // values read back from the kernel's files on this layout.
  it('blockIO throttles, cpu burst and idle, and hugepageLimits land in their files (or the missing controller is named)', () => {
    // A real block device of this machine (the build host's disk; the VM lanes have none: their
    // root is 9p, so there the throttles are left out).
    const dev = readdirSync('/sys/class/block').find((d) => !existsSync(`/sys/class/block/${d}/partition`) && !/^(loop|ram|zram)/.test(d));
    const majMin = dev ? readFileSync(`/sys/class/block/${dev}/dev`, 'utf8').trim() : undefined;
    const [major, minor] = (majMin ?? '0:0').split(':').map(Number) as [number, number];
    const cg = open('more');
    const throttles = majMin
      ? { throttleReadBpsDevice: [{ major, minor, rate: 1048576 }], throttleWriteBpsDevice: [{ major, minor, rate: 2097152 }], throttleReadIOPSDevice: [{ major, minor, rate: 300 }], throttleWriteIOPSDevice: [{ major, minor, rate: 400 }] }
      : {};
    cg.create({ cpu: { quota: 50000, period: 100000, burst: 10000, idle: 1 }, blockIO: throttles });
    const rec = cg.record;
    if (unified) {
      expect(readAt(rec, { ctrl: '', file: 'cpu.max.burst' })).toBe('10000');
      expect(readAt(rec, { ctrl: '', file: 'cpu.idle' })).toBe('1');
      if (majMin) expect(readAt(rec, { ctrl: '', file: 'io.max' })).toBe(`${majMin} rbps=1048576 wbps=2097152 riops=300 wiops=400`);
    } else {
      expect(readAt(rec, { ctrl: 'cpu', file: 'cpu.cfs_burst_us' })).toBe('10000');
      expect(readAt(rec, { ctrl: 'cpu', file: 'cpu.idle' })).toBe('1');
      if (majMin) {
        expect(readAt(rec, { ctrl: 'blkio', file: 'blkio.throttle.read_bps_device' })).toBe(`${majMin} 1048576`);
        expect(readAt(rec, { ctrl: 'blkio', file: 'blkio.throttle.write_bps_device' })).toBe(`${majMin} 2097152`);
        expect(readAt(rec, { ctrl: 'blkio', file: 'blkio.throttle.read_iops_device' })).toBe(`${majMin} 300`);
        expect(readAt(rec, { ctrl: 'blkio', file: 'blkio.throttle.write_iops_device' })).toBe(`${majMin} 400`);
      }
    }

    // hugepageLimits: the 2 MB size where the hugetlb controller is there, else an error naming it.
    const hcg = open('huge');
    const hugetlb = unified ? readFileSync(join(mainDir(rec), '..', 'cgroup.controllers'), 'utf8').includes('hugetlb') : readFileSync('/proc/self/mountinfo', 'utf8').includes(' - cgroup cgroup rw,hugetlb');
    const limit = { hugepageLimits: [{ pageSize: '2MB', limit: 4 * 2097152 }] };
    if (!hugetlb) {
      expect(() => hcg.create(limit)).toThrow(/hugepageLimits\[0\]: the hugetlb cgroup controller is not (mounted|available)/);
      for (const d of Object.values(hcg.record.paths)) expect(existsSync(d)).toBe(false);
      return;
    }
    hcg.create(limit);
    expect(readAt(hcg.record, unified ? { ctrl: '', file: 'hugetlb.2MB.max' } : { ctrl: 'hugetlb', file: 'hugetlb.2MB.limit_in_bytes' })).toBe(String(4 * 2097152));
  });

  it('a controller the layout lacks is named (v2: net_cls; v1 here: net_cls unmounted)', () => {
    const cg = open('netcls');
    if (unified) {
      expect(() => cg.create({ network: { classID: 0x100001 } })).toThrow(/^linux\.resources\.network: net_cls and net_prio do not exist on cgroup v2/);
    } else {
      if (readFileSync('/proc/self/mountinfo', 'utf8').includes('net_cls')) return;
      expect(() => cg.create({ network: { classID: 0x100001 } })).toThrow(
        /linux\.resources\.network\.classID: the net_cls cgroup controller is not mounted/,
      );
    }
    for (const d of Object.values(cg.record.paths)) expect(existsSync(d)).toBe(false);
  });

  it('unified: v2 key/values land; path tricks and core files are refused; v1 refuses it', () => {
    const cg = open('unified');
    if (!unified) {
      expect(() => cg.create({ unified: { 'pids.max': '7' } })).toThrow(/^invalid configuration: linux\.resources\.unified/);
      return;
    }
    cg.create({ pids: { limit: 5 }, unified: { 'pids.max': '7', 'memory.high': '100000000' } });
    expect(readAt(cg.record, { ctrl: '', file: 'pids.max' })).toBe('7'); // unified wins
    expect(readAt(cg.record, { ctrl: '', file: 'memory.high' })).toBe('99999744'); // page-aligned by the kernel
    for (const key of ['../pids.max', 'cgroup.procs', 'pids/../x', 'nosuch.file']) {
      expect(() => cg.update({ unified: { [key]: '1' } }), key).toThrow(/^linux\.resources\.unified/);
    }
  });

  it('never removes a dir it did not make', () => {
    const outer = open('outer');
    outer.create();
    const name = mainDir(outer.record).split('/').pop()!;
    const inner = open('inner', `${name}/child`);
    inner.create();
    expect(inner.record.created.every((d) => d.endsWith('/child'))).toBe(true);
    inner.destroy();
    expect(existsSync(mainDir(outer.record))).toBe(true);
  });

  it('the systemd driver fails clearly where systemd does not run', () => {
    if (existsSync('/run/systemd/system')) return;
    expect(() => openCgroup({ id: 'x', systemd: true, cgroupsPath: 'system.slice:berth:x' })).toThrow(
      'systemd cgroup driver: systemd is not running (no /run/systemd/system)',
    );
  });
});

/** The cgroup v2 dir as /proc/PID/cgroup names it ("0::/a/b"), for a dir under the mount. */
function v2Line(dir: string): string {
  const mount = unified ? '/sys/fs/cgroup' : '/sys/fs/cgroup/unified';
  return `0::/${relative(mount, dir)}`;
}

/** Every distinct dir of the record lists pid in its cgroup.procs. */
function inEveryDir(paths: Record<string, string>, pid: number): boolean {
  return [...new Set(Object.values(paths))].every((d) => readFileSync(join(d, 'cgroup.procs'), 'utf8').split('\n').includes(String(pid)));
}


// A kernel without clone3, played by a seccomp filter (clone3 fails ENOSYS, as glibc expects
// of old kernels: it falls back to clone) that python installs before it execs argv[1:].
const PYTHON = ['/usr/bin/python3', '/usr/local/bin/python3'].find((p) => existsSync(p));
const NO_CLONE3 = `import ctypes, os, struct, sys
prog = b''.join(struct.pack('HBBI', *f) for f in [(0x20, 0, 0, 0), (0x15, 0, 1, 435), (0x06, 0, 0, 0x00050000 | 38), (0x06, 0, 0, 0x7fff0000)])
buf = ctypes.create_string_buffer(prog)
libc = ctypes.CDLL(None, use_errno=True)
if libc.prctl(22, 2, ctypes.c_char_p(struct.pack('HxxxxxxP', 4, ctypes.addressof(buf))), 0, 0) != 0:
    sys.exit('prctl: ' + os.strerror(ctypes.get_errno()))
os.execv(sys.argv[1], sys.argv[1:])
`;
const x86_64 = process.arch === 'x64'; // the filter's 435 is x86_64's clone3

describe.skipIf(!isRoot || layout === 'legacy')(`spawnInit with a cgroup v2 dir (${layout} layout)`, () => {
  // The addon alone, into a v2 dir of our own: on hybrid too (the v2 hierarchy there has no
  // controllers, but clone3 CLONE_INTO_CGROUP works the same).
  it('clone3 CLONE_INTO_CGROUP: the child is born in the dir', async () => {
    const cg = open('clone3');
    cg.create();
    const dir = cg.record.paths['']!;
    const n = native();
    const r = n.spawnInit('/bin/sleep', Buffer.from('plan'), 0, dir);
    try {
      expect(r.clone3Error).toBeUndefined();
      expect(r.intoCgroup).toBe(true);
      // Born there: in the dir before it could run anything (sleep's argv is berth-init's, 3 + 4 s).
      expect(readFileSync(`/proc/${r.pid}/cgroup`, 'utf8')).toContain(`${v2Line(dir)}\n`);
      expect(readFileSync(join(dir, 'cgroup.procs'), 'utf8').trim()).toBe(String(r.pid));
    } finally {
      n.signalPid(r.pid, 9);
      n.waitPid(r.pid);
      n.closeFd(r.syncFd);
    }
  });

  it.skipIf(!PYTHON || !x86_64)('clone3 ENOSYS (an old kernel): fork instead, reported as clone3Error', () => {
    const cg = open('noclone3');
    cg.create();
    const dir = cg.record.paths['']!;
    const script = `const n = require(${JSON.stringify(join(REPO, 'dist/native/berth.node'))});
const r = n.spawnInit('/bin/sleep', Buffer.from('plan'), 0, ${JSON.stringify(dir)});
const cgroup = require('fs').readFileSync('/proc/' + r.pid + '/cgroup', 'utf8');
n.signalPid(r.pid, 9);
n.waitPid(r.pid);
console.log(JSON.stringify({ intoCgroup: r.intoCgroup, clone3Error: r.clone3Error, cgroup }));`;
    const c = spawnSync(PYTHON!, ['-c', NO_CLONE3, process.execPath, '-e', script], { encoding: 'utf8', timeout: 30_000 });
    expect(c.status, c.stderr).toBe(0);
    const out = JSON.parse(c.stdout);
    expect([out.intoCgroup, out.clone3Error]).toEqual([false, 'ENOSYS']);
    // forked: in its parent's cgroup (the plan's CGROUP_JOIN would move it), not yet in dir
    expect(out.cgroup).not.toContain(`${v2Line(dir)}\n`);
    expect(out.cgroup).toContain(readFileSync('/proc/self/cgroup', 'utf8').split('\n').find((l) => l.startsWith('0::')));
  });

  it('a dir the kernel refuses is an error naming it (v1 dir: EBADF; v2 with controllers for children: EBUSY)', () => {
    const n = native();
    /** [code, syscall, path] of spawnInit's error; a started child is reaped and fails the test. */
    const refusal = (dir: string): unknown[] => {
      try {
        const r = n.spawnInit('/bin/true', Buffer.alloc(0), 0, dir);
        n.waitPid(r.pid);
        n.closeFd(r.syncFd);
        return ['started', r.intoCgroup];
      } catch (e) {
        const err = e as { code?: string; syscall?: string; path?: string };
        return [err.code, err.syscall, err.path];
      }
    };
    if (!unified) {
      const cg = open('clone3v1');
      cg.create();
      expect(refusal(cg.record.paths.memory!)).toEqual(['EBADF', 'clone3', cg.record.paths.memory]);
      return;
    }
    const outer = open('clone3busy');
    outer.create();
    open('clone3busy', `${mainDir(outer.record).split('/').pop()}/child`).create();
    const enabled = readFileSync(join(outer.record.paths['']!, 'cgroup.subtree_control'), 'utf8');
    // Only domain controllers make the no-internal-process rule apply (threaded ones do not);
    // the VM lane enables them all.
    const domain = /\b(memory|io|hugetlb|rdma|misc)\b/.test(enabled);
    if (process.env.BERTH_CGROUP2_VM) expect(domain, enabled).toBe(true);
    if (!domain) return;
    expect(refusal(outer.record.paths['']!)).toEqual(['EBUSY', 'clone3', outer.record.paths['']]);
  });
});

describe.skipIf(!isRoot || !haveBuild())(`create and exec: the init in the container's cgroup (${layout} layout)`, () => {
  it(unified ? 'unified: born there with clone3 CLONE_INTO_CGROUP (--debug says so)' : `${layout}: fork, then CGROUP_JOIN (no clone3)`, async () => {
    const b = makeBundle(['sleep', '300']);
    bundles.push(b);
    const logs = mkdtempSync(join(tmpdir(), 'berth-clone3-'));
    try {
      const id = uniqueId('clone3');
      const createLog = join(logs, 'create.log');
      const c = await cli(b, ['--debug', '--log', createLog, 'create', '--bundle', b.dir, id]);
      expect(c.status, c.stderr).toBe(0);
      const state = JSON.parse(readFileSync(join(b.root, id, 'state.json'), 'utf8'));
      const rec = state.cgroup as { layout: string; paths: Record<string, string> };
      expect(rec.layout).toBe(layout);
      // The init is in the container's cgroup(s) either way.
      expect(inEveryDir(rec.paths, state.pid)).toBe(true);
      if (rec.paths['']) expect(readFileSync(`/proc/${state.pid}/cgroup`, 'utf8')).toContain(`${v2Line(rec.paths['']!)}\n`);
      const text = readFileSync(createLog, 'utf8');
      const born = /level=debug msg="init \(pid (\d+)\) started in (\S+) with clone3 CLONE_INTO_CGROUP"/.exec(text);
      if (unified) {
        expect(born?.[2], text).toBe(rec.paths['']);
      } else {
        expect(born, text).toBeNull();
        expect(text.replaceAll(id, 'ID')).not.toMatch(/clone3/); // the id itself says clone3
        expect(text).toMatch(new RegExp(`level=debug msg="init \\(pid \\d+\\) started with fork \\(cgroup layout ${layout}\\): it joins its cgroups through cgroup.procs"`));
      }

      // exec joins the same cgroup, the same way.
      const execLog = join(logs, 'exec.log');
      const pidFile = join(logs, 'exec.pid');
      const e = await cli(b, ['--debug', '--log', execLog, 'exec', '--detach', '--pid-file', pidFile, id, 'sleep', '300']);
      expect(e.status, e.stderr).toBe(0);
      const execPid = Number(readFileSync(pidFile, 'utf8'));
      expect(inEveryDir(rec.paths, execPid)).toBe(true);
      const execText = readFileSync(execLog, 'utf8');
      if (unified) expect(execText).toContain(`started in ${rec.paths['']} with clone3 CLONE_INTO_CGROUP`);
      else expect(execText.replaceAll(id, 'ID')).not.toMatch(/clone3/);
    } finally {
      rmSync(logs, { recursive: true, force: true });
    }
  });
});

describe.skipIf(!isRoot || !haveBuild() || !haveTun)(`device access strings (${layout} layout)`, () => {
  it('letters runc ignores ("rwa", as Docker sends) are a warning; r and w still apply, seen inside and from the host', () => {
    const b = makeBundle(['sleep', '300'], (c) => {
      c.linux.devices = [{ path: '/dev/net/tun', type: 'c', major: 10, minor: 200, fileMode: 0o666 }];
      c.linux.resources = { devices: [{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 10, minor: 200, access: 'rwa' }] };
    });
    bundles.push(b);
    const id = uniqueId();
    const r = berth(b, ['run', '-d', '--bundle', b.dir, id]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/level=warning msg="config.json: \/linux\/resources\/devices\/1\/access: \\"rwa\\": a ignored/);
    const probe = berth(b, ['exec', id, 'sh', '-c', TUN_PROBE]);
    expect(probe.stdout).toBe('tun-ok\n');
    const state = JSON.parse(readFileSync(join(b.root, id, 'state.json'), 'utf8'));
    if (!unified) expect(readFileSync(join(state.cgroup.paths.devices, 'devices.list'), 'utf8').split('\n')).toContain('c 10:200 rw');
  });
});

describe.skipIf(!isRoot || !haveBuild())(`create in a cgroup that already exists (${layout} layout)`, () => {
  it('frozen: refused, saying so; not empty: a warning (as runc) and the container runs', () => {
    const b = makeBundle(['sh', '-c', 'echo in-container']);
    bundles.push(b);
    const cg = open('existing', b.config.linux.cgroupsPath);
    cg.create();
    const c = sleeper();
    join_(cg, c.pid!);
    cg.freeze();
    const frozen = berth(b, ['run', '--bundle', b.dir, uniqueId()]);
    expect(frozen.status).toBe(1);
    expect(frozen.stderr).toMatch(/container's cgroup unexpectedly frozen: \/sys\/fs\/cgroup\//);
    expect(frozenOnDisk(cg.record)).toBe(true);
    cg.thaw();
    const busy = berth(b, ['run', '--bundle', b.dir, uniqueId()]);
    expect(busy.status, busy.stderr).toBe(0);
    expect(busy.stdout).toBe('in-container\n');
    expect(busy.stderr).toMatch(/level=warning msg="container's cgroup is not empty: 1 process\(es\) found/);
    // One warning, as runc, not one per v1 hierarchy.
    expect(busy.stderr.match(/cgroup is not empty/g)).toHaveLength(1);
  });
});

describe.skipIf(!isRoot || !haveBuild() || !unified || !PYTHON || !x86_64)('create on a kernel without clone3 (unified layout)', () => {
  it('fork, the reason in the --debug log, and CGROUP_JOIN puts the init in its cgroup', async () => {
    const b = makeBundle(['sleep', '300']);
    bundles.push(b);
    const logs = mkdtempSync(join(tmpdir(), 'berth-noclone3-'));
    // Output through files: the created init keeps berth's stdio open (helpers/bundle.ts).
    const out = openSync(join(logs, 'out'), 'w');
    try {
      const id = uniqueId('noclone3');
      const log = join(logs, 'create.log');
      await new Promise((r) => setTimeout(r, 1));
      const c = spawnSync(PYTHON!, ['-c', NO_CLONE3, BERTH, '--root', b.root, '--debug', '--log', log, 'create', '--bundle', b.dir, id], {
        stdio: ['ignore', out, out],
        timeout: 60_000,
      });
      await new Promise((r) => setTimeout(r, 1));
      expect(c.status, readFileSync(join(logs, 'out'), 'utf8')).toBe(0);
      const state = JSON.parse(readFileSync(join(b.root, id, 'state.json'), 'utf8'));
      const dir = state.cgroup.paths[''] as string;
      const text = readFileSync(log, 'utf8');
      expect(text).toContain(
        `clone3 CLONE_INTO_CGROUP not supported by this kernel (ENOSYS): init (pid `,
      );
      expect(text).toMatch(new RegExp(`started with fork, it joins ${dir.replace(/[.+]/g, '\\$&')} through cgroup\\.procs`));
      expect(text).not.toMatch(/with clone3 CLONE_INTO_CGROUP"/);
      expect(inEveryDir(state.cgroup.paths, state.pid)).toBe(true);
    } finally {
      closeSync(out);
      rmSync(logs, { recursive: true, force: true });
    }
  });
});

describe('test lane', () => {
  it('runs on the layout the lane promises', () => {
    // The VM lanes set BERTH_CGROUP2_VM to the layout they boot: a silent fallback to another
    // layout there would test nothing.
    if (process.env.BERTH_CGROUP2_VM) {
      expect(layout).toBe(process.env.BERTH_CGROUP2_VM);
      expect(haveTun).toBe(true); // the device tests must not be skipped there
    }
    else expect(['unified', 'hybrid', 'legacy']).toContain(layout);
    expect(isUnified({ layout, paths: {}, created: [] })).toBe(unified);
  });
});
