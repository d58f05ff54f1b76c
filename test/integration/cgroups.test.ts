// cgroup v1 (legacy/hybrid) against the real kernel, as root. Every cgroup is relative (nested
// under this test process's own cgroups, with a unique name) and removed by its test.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { detectLayout, openCgroup, reopenCgroup, type Cgroup } from '../../src/cgroups/index.js';

const isRoot = process.getuid?.() === 0;
const v1 = isRoot && detectLayout() !== 'unified';

const made: Cgroup[] = [];
const children: ChildProcess[] = [];

function uniqueName(tag: string): string {
  return `berth-test-${tag}-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
}

function open(tag: string, path?: string): Cgroup {
  const cg = openCgroup({ cgroupsPath: path ?? uniqueName(tag), id: 'unused' });
  made.push(cg);
  return cg;
}

function read(cg: Cgroup, ctrl: string, file: string): string {
  return readFileSync(join(cg.record.paths[ctrl]!, file), 'utf8').trim();
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

afterEach(async () => {
  for (const c of children.splice(0)) {
    if (c.exitCode === null && c.signalCode === null) {
      c.kill('SIGKILL');
      await exited(c);
    }
  }
  for (const cg of made.splice(0)) {
    try {
      cg.thaw();
    } catch {
      // not frozen / gone
    }
    cg.destroy();
  }
});

describe.skipIf(!v1)('cgroups v1 (root)', () => {
  it('creates a relative cgroup under our own cgroup and writes the resources', () => {
    const cg = open('res');
    const own = readFileSync('/proc/self/cgroup', 'utf8');
    const memOwn = /^\d+:memory:(.*)$/m.exec(own)![1]!;
    expect(cg.record.paths.memory!.startsWith(join('/sys/fs/cgroup/memory', memOwn) + '/')).toBe(true);

    cg.create({
      memory: { limit: 64 * 1024 * 1024, reservation: 32 * 1024 * 1024, swappiness: 10, disableOOMKiller: false },
      cpu: { shares: 512, quota: 50000, period: 100000, cpus: '0', mems: '0' },
      pids: { limit: 32 },
      devices: [
        { allow: false, access: 'rwm' },
        { allow: true, type: 'c', major: 10, minor: 229, access: 'rw' },
      ],
    });
    expect(cg.record.created.length).toBeGreaterThan(0);
    for (const d of cg.record.created) expect(existsSync(d)).toBe(true);

    expect(read(cg, 'memory', 'memory.limit_in_bytes')).toBe(String(64 * 1024 * 1024));
    expect(read(cg, 'memory', 'memory.soft_limit_in_bytes')).toBe(String(32 * 1024 * 1024));
    expect(read(cg, 'memory', 'memory.swappiness')).toBe('10');
    expect(read(cg, 'cpu', 'cpu.shares')).toBe('512');
    expect(read(cg, 'cpu', 'cpu.cfs_quota_us')).toBe('50000');
    expect(read(cg, 'cpu', 'cpu.cfs_period_us')).toBe('100000');
    expect(read(cg, 'cpuset', 'cpuset.cpus')).toBe('0');
    expect(read(cg, 'cpuset', 'cpuset.mems')).toBe('0');
    expect(read(cg, 'pids', 'pids.max')).toBe('32');
    const list = read(cg, 'devices', 'devices.list').split('\n');
    expect(list).toContain('c 10:229 rw');
    expect(list).toContain('c 1:5 rwm'); // a default rule
    expect(list).not.toContain('a *:* rwm');

    cg.update({ pids: { limit: 64 }, memory: { limit: 128 * 1024 * 1024 } });
    expect(read(cg, 'pids', 'pids.max')).toBe('64');
    expect(read(cg, 'memory', 'memory.limit_in_bytes')).toBe(String(128 * 1024 * 1024));

    const stats = cg.stats() as { memory: { usage: { limit: number } }; pids: { limit: number }; cpuset: { cpus: number[] } };
    expect(stats.memory.usage.limit).toBe(128 * 1024 * 1024);
    expect(stats.pids.limit).toBe(64);
    expect(stats.cpuset.cpus).toEqual([0]);

    const dirs = [...cg.record.created];
    cg.destroy();
    for (const d of dirs) expect(existsSync(d)).toBe(false);
    cg.destroy(); // safe to repeat
  });

  it('device rules deny what they deny (a real process opening /dev/kmsg and /dev/null)', async () => {
    if (!existsSync('/dev/kmsg')) return;
    const run = async (devices: unknown[]): Promise<string> => {
      const cg = open('dev');
      cg.create({ devices });
      const c = spawn('sh', ['-c', 'read _; (: </dev/kmsg) 2>/dev/null && echo kmsg-ok || echo kmsg-denied; echo x >/dev/null && echo null-ok'], {
        stdio: ['pipe', 'pipe', 'ignore'],
      });
      children.push(c);
      let out = '';
      c.stdout!.on('data', (d: Buffer) => (out += d.toString()));
      join_(cg, c.pid!);
      c.stdin!.end('go\n');
      await exited(c);
      return out.trim();
    };
    expect(await run([{ allow: false, access: 'rwm' }])).toBe('kmsg-denied\nnull-ok');
    expect(await run([{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 1, minor: 11, access: 'r' }])).toBe('kmsg-ok\nnull-ok');
  });

  it('cpuset of a new cgroup is inherited, so a process can join without cpu values', async () => {
    const cg = open('join');
    cg.create();
    expect(read(cg, 'cpuset', 'cpuset.cpus')).not.toBe('');
    const c = sleeper();
    join_(cg, c.pid!);
    expect(cg.pids()).toEqual([c.pid]);
    for (const f of cg.procsFiles()) expect(readFileSync(f, 'utf8').trim()).toBe(String(c.pid));
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
    expect(read(cg, 'freezer', 'freezer.state')).toBe('FROZEN');
    cg.thaw();
    expect(cg.isFrozen()).toBe(false);

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

  it('killAll on a paused container with SIGKILL thaws so the kill lands', async () => {
    const cg = open('killpaused');
    cg.create();
    const c = sleeper();
    join_(cg, c.pid!);
    cg.freeze();
    cg.killAll(9);
    await exited(c);
    expect(cg.pids()).toEqual([]);
  });

  it('nested relative paths: every level it made is recorded and removed, deepest first', () => {
    const top = uniqueName('nest');
    const cg = open('nest', `${top}/a/b`);
    cg.create();
    const memTop = join(cg.record.paths.memory!, '..', '..');
    expect(cg.record.created).toContain(memTop);
    expect(cg.record.created).toContain(cg.record.paths.memory);
    cg.destroy();
    for (const d of cg.record.created) expect(existsSync(d)).toBe(false);
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

  it('an unmounted controller is named (net_cls is not mounted here)', () => {
    const mounted = readFileSync('/proc/self/mountinfo', 'utf8').includes('net_cls');
    if (mounted) return;
    const cg = open('netcls');
    expect(() => cg.create({ network: { classID: 0x100001 } })).toThrow(
      /linux\.resources\.network\.classID: the net_cls cgroup controller is not mounted/,
    );
    for (const d of Object.values(cg.record.paths)) expect(existsSync(d)).toBe(false);
  });

  it('never removes a dir it did not make', () => {
    const outer = open('outer');
    outer.create();
    const name = outer.record.paths.memory!.split('/').pop()!;
    const inner = open('inner', `${name}/child`);
    inner.create();
    expect(inner.record.created.every((d) => d.endsWith('/child'))).toBe(true);
    inner.destroy();
    expect(existsSync(outer.record.paths.memory!)).toBe(true);
  });

  it('the systemd driver fails clearly where systemd does not run', () => {
    if (existsSync('/run/systemd/system')) return;
    expect(() => openCgroup({ id: 'x', systemd: true, cgroupsPath: 'system.slice:berth:x' })).toThrow(
      'systemd cgroup driver: systemd is not running (no /run/systemd/system)',
    );
  });
});
