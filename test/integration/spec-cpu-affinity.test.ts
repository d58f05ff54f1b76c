// CPU affinity of the container's processes, seen inside (/proc/self/status) and from the host:
// a pinned runtime does not pin the container (runc >= 1.3.1, crun), and exec honours
// process.execCPUAffinity (config.md; runc's rules for initial, final and config.json's default).
import { describe, it, expect, afterEach } from 'vitest';
import { readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { berth, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../helpers/bundle.js';
import { expectCleanFailure } from '../helpers/leaks.js';

// Two CPUs at least: the caller is pinned to CPU 0, the container may use 0-1.
const run = isRoot() && haveBuild() && availableParallelism() >= 2 ? describe : describe.skip;
const PINNED = { via: ['taskset', '-c', '0'] };
const ALL = readFileSync('/sys/devices/system/cpu/online', 'utf8').trim();

const allowed = (status: string) => /^Cpus_allowed_list:\s*(\S+)$/m.exec(status)?.[1];
const GREP = ['grep', 'Cpus_allowed_list', '/proc/self/status'];

run('CPU affinity: not inherited from the runtime, execCPUAffinity for exec', () => {
  let b: TestBundle;
  afterEach(() => b?.cleanup());

  /** A running container (sleep), created and started by a runtime pinned to CPU 0. */
  function started(edit?: (c: any) => void): { id: string; pid: number } {
    b = makeBundle(['sleep', '300'], edit);
    const id = uniqueId();
    const c = berth(b, ['create', '--bundle', b.dir, id], PINNED);
    expect(c.status, c.stderr).toBe(0);
    const pid = JSON.parse(berth(b, ['state', id]).stdout).pid;
    // From the host, before start: berth-init already has every CPU.
    expect(allowed(readFileSync(`/proc/${pid}/status`, 'utf8'))).toBe(ALL);
    expect(berth(b, ['start', id], PINNED).status).toBe(0);
    return { id, pid };
  }

  function execProcess(id: string, affinity: any, via = PINNED) {
    const file = join(b.dir, `p-${uniqueId()}.json`);
    writeFileSync(file, JSON.stringify({ terminal: false, cwd: '/', args: ['/bin/grep', 'Cpus_allowed_list', '/proc/self/status'], execCPUAffinity: affinity }));
    return berth(b, ['exec', '--process', file, id], via);
  }

  it('run pinned: the container process has every CPU its cpuset allows', () => {
    b = makeBundle(GREP);
    const r = berth(b, ['run', '--bundle', b.dir, uniqueId()], PINNED);
    expect(r.status, r.stderr).toBe(0);
    expect(allowed(r.stdout)).toBe(ALL);
  });

  it('create pinned: the init, seen from the host; exec pinned: the exec process', () => {
    const { id, pid } = started();
    expect(allowed(readFileSync(`/proc/${pid}/status`, 'utf8'))).toBe(ALL);
    const r = berth(b, ['exec', id, ...GREP], PINNED);
    expect(r.status, r.stderr).toBe(0);
    expect(allowed(r.stdout)).toBe(ALL);
  });

  it('the cpuset still limits the reset', () => {
    b = makeBundle(GREP, (c) => (c.linux.resources = { ...c.linux.resources, cpu: { cpus: '1', mems: '0' } }));
    const r = berth(b, ['run', '--bundle', b.dir, uniqueId()], PINNED);
    expect(r.status, r.stderr).toBe(0);
    expect(allowed(r.stdout)).toBe('1');
  });

  it('exec --process with final: the process runs on those CPUs', () => {
    const { id } = started();
    const r = execProcess(id, { final: '1' });
    expect(r.status, r.stderr).toBe(0);
    expect(allowed(r.stdout)).toBe('1');
    const both = execProcess(id, { initial: '1', final: '0' }, { via: [] });
    expect(allowed(both.stdout)).toBe('0');
  });

  it('exec --process with only initial: nothing is reset after the cgroup join, so the initial CPUs stay (runc)', () => {
    const { id } = started();
    const r = execProcess(id, { initial: '1' });
    expect(r.status, r.stderr).toBe(0);
    expect(allowed(r.stdout)).toBe('1');
  });

  it("config.json's execCPUAffinity: every exec's default, never the init's (config.md)", () => {
    const { id, pid } = started((c) => (c.process.execCPUAffinity = { final: '1' }));
    expect(allowed(readFileSync(`/proc/${pid}/status`, 'utf8'))).toBe(ALL);
    const r = berth(b, ['exec', id, ...GREP]);
    expect(r.status, r.stderr).toBe(0);
    expect(allowed(r.stdout)).toBe('1');
    // A process file without one gets config.json's too; with one, its own.
    expect(allowed(execProcess(id, undefined).stdout)).toBe('1');
    expect(allowed(execProcess(id, { final: '0' }).stdout)).toBe('0');
  });

  it('a CPU the host lacks: exec fails naming the field and leaves no process', () => {
    const { id } = started();
    const r = execProcess(id, { final: '7' });
    expect(r.status).toBe(255);
    expect(r.stderr).toMatch(/process\.json: \/execCPUAffinity\/final: none of the CPUs 7 is online and allowed by the container's cpuset/);
    expect(JSON.parse(berth(b, ['state', id]).stdout).status).toBe('running');
    const ps = berth(b, ['ps', id, '-o', 'args']);
    expect(ps.stdout).not.toMatch(/grep/);
  });

  it('a bad CPU list is refused before anything is made', () => {
    const { id } = started();
    const r = execProcess(id, { initial: '3-1' });
    expect(r.status).toBe(255);
    expect(r.stderr).toMatch(/process\.json: \/execCPUAffinity\/initial: "3-1" is not a CPU list like "0-3,7": the range 3-1 ends before it starts/);
    b.cleanup();
    b = makeBundle(['true'], (c) => (c.process.execCPUAffinity = { final: '2-1' }));
    expectCleanFailure(b, /config\.json: \/process\/execCPUAffinity\/final: "2-1" is not a CPU list/);
  });
});
