// cgroups through the CLI, on whatever layout the machine has (v1 here; v2 in the VM lane,
// scripts/cgroup2-vm/run.sh): pause/resume, update (flags and -r -), events --stats, the events
// stream with an OOM kill, kill --all, a fork bomb against pids.max, device rules inside a real
// container, and delete removing the cgroup dirs. Relative cgroupsPath (helpers/bundle.ts).
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { detectLayout, type CgroupRecord } from '../../src/cgroups/index.js';
import { BERTH, berthYielding as cli, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../helpers/bundle.js';
import { files, frozenOnDisk, isUnified, oomKills, readAt, readCpuMax, sharesValue } from '../helpers/cgroup-files.js';

const run = isRoot() && haveBuild() ? describe : describe.skip;

function ok(r: { status: number | null; stderr: string }): void {
  expect(r.status, r.stderr).toBe(0);
}


async function status(b: TestBundle, id: string): Promise<string> {
  const r = await cli(b, ['state', id]);
  ok(r);
  return JSON.parse(r.stdout).status;
}

function cgroupOf(b: TestBundle, id: string): CgroupRecord {
  return JSON.parse(readFileSync(join(b.root, id, 'state.json'), 'utf8')).cgroup;
}

async function waitFor(pred: () => boolean | Promise<boolean>, ms = 60_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function startContainer(b: TestBundle): Promise<string> {
  const id = uniqueId('cgl');
  ok(await cli(b, ['create', '--bundle', b.dir, id]));
  ok(await cli(b, ['start', id]));
  return id;
}

const MiB = 1024 * 1024;

run('cgroups through the CLI', () => {
  let b: TestBundle | undefined;
  afterEach(() => {
    b?.cleanup();
    b = undefined;
  });

  it('exec into a container that made its cgroup an inner node joins the init\'s cgroup (v2)', async () => {
    if (detectLayout() !== 'unified') return; // v1 has no such rule
    // The container moves itself into a sub-cgroup and enables pids for its children (as a
    // nested systemd would): its own cgroup then refuses new processes (EBUSY).
    const script = 'mkdir /sys/fs/cgroup/init && echo $$ > /sys/fs/cgroup/init/cgroup.procs && echo +pids > /sys/fs/cgroup/cgroup.subtree_control && exec sleep 300';
    b = makeBundle(['sh', '-c', script], (c) => {
      for (const m of c.mounts) if (m.type === 'cgroup') m.options = m.options.filter((o: string) => o !== 'ro');
    });
    const id = await startContainer(b);
    const rec = cgroupOf(b, id);
    await waitFor(() => existsSync(join(rec.paths['']!, 'init')) && readFileSync(join(rec.paths['']!, 'cgroup.subtree_control'), 'utf8').includes('pids'));
    const r = await cli(b, ['exec', id, 'cat', '/proc/self/cgroup']);
    ok(r);
    expect(r.stdout.trim()).toBe('0::/init'); // seen through the container's cgroup namespace
    ok(await cli(b, ['delete', '--force', id])); // removes the container's own sub-cgroup too
    expect(existsSync(rec.paths['']!)).toBe(false);
  }, 120_000);

  it('pause/resume, update (flags, -r -), events --stats, kill --all, delete removes the dirs', async () => {
    b = makeBundle(['sh', '-c', 'sleep 300 & sleep 300 & wait'], (c) => {
      c.linux.resources = { ...c.linux.resources, memory: { limit: 64 * MiB }, pids: { limit: 32 }, cpu: { shares: 512 } };
    });
    const id = await startContainer(b);
    const rec = cgroupOf(b, id);
    expect(readAt(rec, files.memoryLimit(rec))).toBe(String(64 * MiB));
    expect(readAt(rec, files.cpuShares(rec))).toBe(sharesValue(rec, 512));
    for (const d of rec.created) expect(existsSync(d)).toBe(true);
    const pidsCurrent = { ...files.pidsMax(rec), file: 'pids.current' };
    await waitFor(() => readAt(rec, pidsCurrent) === '3');

    ok(await cli(b, ['pause', id]));
    expect(await status(b, id)).toBe('paused');
    expect(frozenOnDisk(rec)).toBe(true);
    expect((await cli(b, ['pause', id])).stderr).toMatch(/cannot pause a container that is paused/);
    ok(await cli(b, ['resume', id]));
    expect(await status(b, id)).toBe('running');
    expect(frozenOnDisk(rec)).toBe(false);
    expect((await cli(b, ['resume', id])).stderr).toMatch(/cannot resume a container that is running/);

    ok(await cli(b, ['update', '--memory', '128m', '--pids-limit', '64', '--cpu-shares', '1024', '--cpu-quota', '20000', '--cpu-period', '100000', id]));
    expect(readAt(rec, files.memoryLimit(rec))).toBe(String(128 * MiB));
    expect(readAt(rec, files.pidsMax(rec))).toBe('64');
    expect(readAt(rec, files.cpuShares(rec))).toBe(sharesValue(rec, 1024));
    expect(readCpuMax(rec)).toBe('20000 100000');

    // containerd's form: linux.resources JSON on stdin
    ok(await cli(b, ['update', '-r', '-', id], { input: JSON.stringify({ memory: { limit: 96 * MiB }, pids: { limit: 50 }, cpu: { cpus: '0' } }) }));
    expect(readAt(rec, files.memoryLimit(rec))).toBe(String(96 * MiB));
    expect(readAt(rec, files.pidsMax(rec))).toBe('50');
    expect(readAt(rec, files.cpusetCpus(rec))).toBe('0');

    const bad = await cli(b, ['update', '--memory', 'lots', id]);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/--memory/);
    const badJson = await cli(b, ['update', '-r', '-', id], { input: '{"pids":' });
    expect(badJson.status).not.toBe(0);
    expect(badJson.stderr).toMatch(/update --resources: invalid JSON/);
    expect(readAt(rec, files.pidsMax(rec))).toBe('50');

    const ev = await cli(b, ['events', '--stats', id]);
    ok(ev);
    const lines = ev.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    const st = JSON.parse(lines[0]!);
    expect(st).toMatchObject({ type: 'stats', id });
    expect(st.data.pids).toEqual({ current: 3, limit: 50 });
    expect(st.data.memory.usage.limit).toBe(96 * MiB);
    expect(st.data.memory.usage.usage).toBeGreaterThan(0);
    expect(st.data.cpu.usage.total).toBeGreaterThan(0);
    expect(st.data).toHaveProperty('blkio');
    expect(st.data).toHaveProperty('hugetlb');
    // Pressure stall information (runc 1.2+: psi under cpu, memory and blkio): on cgroup v2 where
    // the kernel keeps it for the cgroup; never on v1.
    const pressure = isUnified(rec) && existsSync(join(rec.paths['']!, 'cpu.pressure'));
    for (const part of ['cpu', 'memory', 'blkio']) {
      if (!pressure) expect(st.data[part].psi, part).toBeUndefined();
      else {
        expect(Object.keys(st.data[part].psi), part).toEqual(['some', 'full']);
        expect(Object.keys(st.data[part].psi.some), part).toEqual(['avg10', 'avg60', 'avg300', 'total']);
      }
    }

    ok(await cli(b, ['kill', '--all', id, 'KILL']));
    await waitFor(async () => (await status(b!, id)) === 'stopped');
    ok(await cli(b, ['delete', id]));
    for (const d of rec.created) expect(existsSync(d)).toBe(false);
  });

  it('a memory limit is enforced: the allocation past it is OOM-killed and `events` reports it', async () => {
    b = makeBundle(['sh', '-c', 'dd if=/dev/zero of=/dev/null bs=96M count=1; echo "dd: $?"'], (c) => {
      c.linux.resources = { ...c.linux.resources, memory: { limit: 32 * MiB, swap: 32 * MiB } };
    });
    const id = uniqueId('oom');
    ok(await cli(b, ['create', '--bundle', b.dir, id]));
    const rec = cgroupOf(b, id);
    expect(oomKills(rec)).toBe(0);
    const events = spawn(BERTH, ['--root', b.root, 'events', '--interval', '1s', id], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    events.stdout.on('data', (d: Buffer) => (out += d.toString()));
    events.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const ended = new Promise<number | null>((res) => events.once('exit', (code) => res(code)));
    try {
      // the stream is up (one stats line) before the container starts
      await waitFor(() => out.includes('"type":"stats"'), 60_000);
      ok(await cli(b, ['start', id]));
      await waitFor(() => out.includes('"type":"oom"'), 60_000);
      await waitFor(async () => (await status(b!, id)) === 'stopped', 60_000);
      expect(oomKills(rec)).toBeGreaterThanOrEqual(1);
      // the stream ends by itself once the container has stopped
      expect(await ended, err).toBe(0);
    } finally {
      if (events.exitCode === null) events.kill('SIGKILL');
    }
    const evs = out.trim().split('\n').map((l) => JSON.parse(l));
    expect(evs.find((e) => e.type === 'oom')).toEqual({ type: 'oom', id });
    for (const e of evs) expect(['stats', 'oom']).toContain(e.type);
  });

  it('pids.max stops a fork bomb', async () => {
    b = makeBundle(['sh', '-c', 'while :; do sleep 300 & done'], (c) => {
      c.linux.resources = { ...c.linux.resources, pids: { limit: 10 } };
    });
    const id = await startContainer(b);
    const rec = cgroupOf(b, id);
    // the bomb's shell dies at its first refused fork (busybox sh exits on "can't fork")
    await waitFor(async () => (await status(b!, id)) === 'stopped', 60_000);
    expect(Number(/^max (\d+)$/m.exec(readAt(rec, files.pidsEvents(rec)))![1])).toBeGreaterThanOrEqual(1);
    expect(readAt(rec, files.pidsMax(rec))).toBe('10');
    ok(await cli(b, ['delete', id]));
    for (const d of rec.created) expect(existsSync(d)).toBe(false);
  });

  it('exec into a container at its pids limit starts (moved in by the runtime, as runc); its own forks are still refused', async () => {
    b = makeBundle(['sleep', '300'], (c) => {
      c.linux.resources = { ...c.linux.resources, pids: { limit: 1 } };
    });
    const id = await startContainer(b);
    const rec = cgroupOf(b, id);
    expect(readAt(rec, files.pidsMax(rec))).toBe('1');
    const procs = join(rec.paths.pids ?? rec.paths['']!, 'cgroup.procs');
    const members = () => readFileSync(procs, 'utf8').split('\n').filter(Boolean);
    expect(members()).toHaveLength(1); // the sleep: full
    // A fork into the full cgroup is refused (EAGAIN); a move into it is not.
    const r = await cli(b, ['exec', '--detach', id, 'sleep', '300']);
    ok(r);
    expect(members()).toHaveLength(2);
    // The exec'd shell is in (over the limit); the child it forks is not let in.
    const f = await cli(b, ['exec', id, 'sh', '-c', '/bin/true && echo forked']);
    expect(f.status).not.toBe(0);
    expect(f.stdout).not.toMatch(/forked/);
    expect(f.stderr).toMatch(/can't fork/);
    ok(await cli(b, ['delete', '--force', id]));
    for (const d of rec.created) expect(existsSync(d)).toBe(false);
  }, 120_000);

  it('device rules inside a container: tun denied by default, allowed by a rule', async () => {
    const probe = async (extra: unknown[]): Promise<string> => {
      const bb = makeBundle(['sh', '-c', 'mknod /tmp/tun c 10 200 && { (exec 3<>/tmp/tun) 2>&1 && echo open-ok; }; echo x >/dev/null && echo null-ok'], (c) => {
        c.root.readonly = false;
        c.process.capabilities.bounding.push('CAP_MKNOD');
        c.process.capabilities.effective.push('CAP_MKNOD');
        c.process.capabilities.permitted.push('CAP_MKNOD');
        c.linux.resources.devices.push(...extra);
      });
      try {
        symlinkSync('busybox', join(bb.rootfs, 'bin/mknod'));
        const r = await cli(bb, ['run', '--bundle', bb.dir, uniqueId('dev')]);
        expect(r.status, r.stderr).toBe(0);
        return r.stdout;
      } finally {
        bb.cleanup();
      }
    };
    const denied = await probe([]);
    expect(denied).toMatch(/Operation not permitted/);
    expect(denied).toMatch(/null-ok/);
    expect(denied).not.toMatch(/open-ok/);
    const allowed = await probe([{ allow: true, type: 'c', major: 10, minor: 200, access: 'rw' }]);
    expect(allowed).not.toMatch(/Operation not permitted/);
    expect(allowed).toMatch(/null-ok/);
    if (existsSync('/dev/net/tun')) expect(allowed).toMatch(/open-ok/);
  });

  it('the cgroup layout recorded matches the host', async () => {
    b = makeBundle(['true']);
    const id = uniqueId('lay');
    ok(await cli(b, ['create', '--bundle', b.dir, id]));
    const rec = cgroupOf(b, id);
    expect(isUnified(rec)).toBe(readFileSync('/proc/self/mountinfo', 'utf8').split('\n').every((l) => !/ - cgroup /.test(l)));
    ok(await cli(b, ['delete', '--force', id]));
  });
});
