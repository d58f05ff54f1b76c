import { describe, it, expect, afterEach } from 'vitest';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { berth, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../helpers/bundle.js';

const run = isRoot() && haveBuild() ? describe : describe.skip;

function state(b: TestBundle, id: string): any {
  const r = berth(b, ['state', id]);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

async function waitFor(pred: () => boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 20));
  }
}

run('lifecycle (runtime.md operations, runtime-tools order)', () => {
  let b: TestBundle;
  afterEach(() => b?.cleanup());

  it('kill: signal 0 probes the init, a number goes to the kernel as it is, a stopped container is "container not running" (as runc)', async () => {
    // The init traps USR2 (12) and RTMIN+30 (64) to prove they arrived.
    b = makeBundle(['sh', '-c', 'trap "echo usr2 >> /tmp/got" USR2; trap "echo rt64 >> /tmp/got" 64; while :; do sleep 0.05; done'], (c) => (c.root.readonly = false));
    const id = uniqueId();
    expect(berth(b, ['run', '-d', '--bundle', b.dir, id]).status).toBe(0);
    const pid = state(b, id).pid;
    const probe = berth(b, ['kill', id, '0']);
    expect(probe.status, probe.stderr).toBe(0);
    expect(berth(b, ['kill', id, '12']).status).toBe(0);
    expect(berth(b, ['kill', id, '64']).status).toBe(0);
    const got = `/proc/${pid}/root/tmp/got`;
    await waitFor(() => existsSync(got) && readFileSync(got, 'utf8').split('\n').length > 2);
    expect(readFileSync(got, 'utf8')).toBe('usr2\nrt64\n');
    const bad = berth(b, ['kill', id, '99']);
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/invalid/);
    expect(state(b, id).status).toBe('running');
    expect(berth(b, ['kill', id, 'KILL']).status).toBe(0);
    await waitFor(() => state(b, id).status === 'stopped');
    for (const sig of ['0', 'TERM']) {
      const r = berth(b, ['kill', id, sig]);
      expect(r.status).toBe(1);
      expect(r.stderr).toBe('container not running\n');
    }
  });

  it('create → created, start → running, kill → stopped, delete → gone', async () => {
    b = makeBundle(['sleep', '300']);
    const id = uniqueId();
    const pidFile = join(b.dir, 'init.pid');
    const c = berth(b, ['create', '--bundle', b.dir, '--pid-file', pidFile, id]);
    expect(c.status, c.stderr).toBe(0);
    const s1 = state(b, id);
    expect(s1).toMatchObject({ id, status: 'created', bundle: b.dir, ociVersion: '1.3.0' });
    expect(s1.pid).toBeGreaterThan(0);
    expect(readFileSync(pidFile, 'utf8')).toBe(String(s1.pid));
    // The init waits before exec: its command line is still berth-init's.
    expect(readFileSync(`/proc/${s1.pid}/cmdline`, 'utf8')).toContain('berth-init');

    const st = berth(b, ['start', id]);
    expect(st.status, st.stderr).toBe(0);
    expect(state(b, id).status).toBe('running');
    await waitFor(() => readFileSync(`/proc/${s1.pid}/cmdline`, 'utf8').startsWith('sleep'));

    const again = berth(b, ['start', id]);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/cannot start a container that is running/);

    const del = berth(b, ['delete', id]);
    expect(del.status).toBe(1);
    expect(del.stderr).toMatch(/not stopped: running/);

    expect(berth(b, ['kill', id, 'KILL']).status).toBe(0);
    await waitFor(() => state(b, id).status === 'stopped');
    expect(state(b, id).pid).toBe(0);

    const d = berth(b, ['delete', id]);
    expect(d.status, d.stderr).toBe(0);
    expect(existsSync(join(b.root, id))).toBe(false);
    const gone = berth(b, ['state', id]);
    expect(gone.status).toBe(1);
    expect(gone.stderr).toMatch(/does not exist/);
    expect(berth(b, ['delete', id]).status).toBe(1);
    expect(berth(b, ['delete', '--force', id]).status).toBe(0);
  });

  it('run prints from inside the container and exits with its status', () => {
    b = makeBundle(['sh', '-c', 'echo hello from $(hostname); exit 7']);
    const id = uniqueId();
    const r = berth(b, ['run', '--bundle', b.dir, id]);
    expect(r.stdout).toBe('hello from berth\n');
    expect(r.status).toBe(7);
    expect(existsSync(join(b.root, id))).toBe(false);
  });

  it('run reports death by signal as 128+N', () => {
    // Not pid 1 of a pid namespace: that one ignores signals it has no handler for.
    b = makeBundle(['sh', '-c', 'kill -USR1 $$'], (c) => (c.linux.namespaces = c.linux.namespaces.filter((n: any) => n.type !== 'pid')));
    const r = berth(b, ['run', '--bundle', b.dir, uniqueId()]);
    expect(r.status).toBe(128 + 10);
  });

  it('list and ps see the container', async () => {
    b = makeBundle(['sleep', '300']);
    const id = uniqueId();
    expect(berth(b, ['run', '-d', '--bundle', b.dir, id]).status).toBe(0);
    const l = berth(b, ['list', '--format', 'json']);
    const rows = JSON.parse(l.stdout);
    expect(rows.map((r: any) => r.id)).toEqual([id]);
    expect(rows[0].status).toBe('running');
    expect(berth(b, ['list', '-q']).stdout).toBe(`${id}\n`);
    const ps = berth(b, ['ps', '--format', 'json', id]);
    expect(ps.status, ps.stderr).toBe(0);
    expect(JSON.parse(ps.stdout)).toContain(state(b, id).pid);
    expect(berth(b, ['delete', '--force', id]).status).toBe(0);
    expect(readdirSync(b.root)).toEqual([]);
  });

  it('concurrent creates of one id: exactly one wins', async () => {
    b = makeBundle(['sleep', '300']);
    const id = uniqueId();
    const { spawn } = await import('node:child_process');
    const { BERTH } = await import('../helpers/bundle.js');
    const { openSync, closeSync } = await import('node:fs');
    // stderr through files: the winner's container keeps its stdio open.
    const results = await Promise.all(
      [0, 1, 2, 3].map(
        (i) =>
          new Promise<{ code: number | null; err: string }>((res) => {
            const errFile = join(b.dir, `err${i}`);
            const fd = openSync(errFile, 'w');
            const p = spawn(BERTH, ['--root', b.root, 'create', '--bundle', b.dir, id], { stdio: ['ignore', 'ignore', fd] });
            closeSync(fd);
            p.on('exit', (code) => res({ code, err: readFileSync(errFile, 'utf8') }));
          }),
      ),
    );
    expect(results.filter((r) => r.code === 0)).toHaveLength(1);
    for (const r of results.filter((x) => x.code !== 0)) expect(r.err).toMatch(/already exists/);
    expect(state(b, id).status).toBe('created');
  });
});
