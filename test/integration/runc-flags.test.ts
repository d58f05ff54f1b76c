import { describe, it, expect, afterEach } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { berth, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../helpers/bundle.js';

const run = isRoot() && haveBuild() ? describe : describe.skip;

/** runc's flags that berth once took and dropped: each works, or says why it does not. */
run("runc's flags: they work or fail loudly", () => {
  const made: TestBundle[] = [];
  afterEach(() => {
    for (const b of made.splice(0)) b.cleanup();
  });
  const running = (): { b: TestBundle; id: string; state: any } => {
    const b = makeBundle(['sleep', '300']);
    made.push(b);
    const id = uniqueId();
    const r = berth(b, ['run', '-d', '--bundle', b.dir, id]);
    expect(r.status, r.stderr).toBe(0);
    return { b, id, state: JSON.parse(readFileSync(join(b.root, id, 'state.json'), 'utf8')) };
  };

  it('ps ID ARGS... passes ARGS to ps(1) (runc ps ID -e -x)', () => {
    const { b, id, state } = running();
    const r = berth(b, ['ps', id, '-e', '-x']);
    expect(r.status, r.stderr).toBe(0);
    const [header, ...rows] = r.stdout.trim().split('\n');
    expect(header!.trim().split(/\s+/)).toEqual(['PID', 'TTY', 'STAT', 'TIME', 'COMMAND']);
    expect(rows.map((l) => Number(l.trim().split(/\s+/)[0]))).toEqual([state.pid]);
    const o = berth(b, ['ps', id, '-o', 'pid,comm']);
    expect(o.stdout.trim().split('\n').map((l) => l.trim())).toEqual(['PID COMMAND', `${state.pid} sleep`]);
  });

  it('update --cpu-share (runc\'s name) sets the shares, seen from the host and inside', () => {
    const { b, id, state } = running();
    const r = berth(b, ['update', '--cpu-share', '512', id]);
    expect(r.status, r.stderr).toBe(0);
    const v1 = state.cgroup.paths.cpu;
    const file = v1 ? join(v1, 'cpu.shares') : join(state.cgroup.paths[''], 'cpu.weight');
    expect(readFileSync(file, 'utf8').trim()).toBe(v1 ? '512' : '20');
    const inside = berth(b, ['exec', id, 'cat', v1 ? '/sys/fs/cgroup/cpu/cpu.shares' : '/sys/fs/cgroup/cpu.weight']);
    expect(inside.stdout.trim()).toBe(v1 ? '512' : '20');
  });

  it('update: kernel memory flags warn as runc and change nothing; Intel RDT schemas are refused without resctrl', () => {
    const { b, id } = running();
    for (const f of ['--kernel-memory', '--kernel-memory-tcp']) {
      const r = berth(b, ['update', f, '10m', id]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stderr).toMatch(/level=warning msg="Kernel memory settings are ignored and will be removed"/);
    }
    // No resctrl here (intelrdt.test.ts checks that; docs/INTEL-RDT.md).
    for (const [f, v] of [['--l3-cache-schema', 'L3:0=ff'], ['--mem-bw-schema', 'MB:0=50']]) {
      const r = berth(b, ['update', f!, v!, id]);
      expect(r.status).toBe(1);
      expect(r.stderr).toBe(`update ${id}: ${f}: Intel RDT is not supported or enabled: no resctrl filesystem is mounted\n`);
    }
  });

  it('global --rootless: true, false and auto work, nonsense is refused; --criu is taken', () => {
    const { b, id } = running();
    for (const v of ['true', 'false', 'auto']) expect(berth(b, ['--rootless', v, 'state', id]).status).toBe(0);
    expect(berth(b, ['--rootless', 'yes', 'state', id]).stderr).toMatch(/must be true, false or auto/);
    // --criu names the criu binary of checkpoint/restore (docs/CHECKPOINT.md); other commands take it silently.
    const c = berth(b, ['--criu', '/usr/sbin/criu', 'state', id]);
    expect(c.status).toBe(0);
    expect(c.stderr).toBe('');
    const missing = berth(b, ['--criu', '/nonexistent/criu', 'checkpoint', id]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toBe('/nonexistent/criu: not found (checkpoint/restore needs CRIU; name it with --criu)\n');
    expect(berth(b, ['state', id]).status).toBe(0);
  });
});
