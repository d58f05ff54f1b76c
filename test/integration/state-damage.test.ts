import { describe, it, expect, afterEach } from 'vitest';
import { existsSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { berth, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../helpers/bundle.js';
import { cgroupDirsNamed } from '../helpers/leaks.js';
import { readStat } from '../../src/state/proc.js';

const run = isRoot() && haveBuild() ? describe : describe.skip;

const alive = (pid: number) => {
  const st = readStat(pid);
  return st !== undefined && st.state !== 'Z';
};

// A damaged record under --root is a state, not a crash: `list` shows every healthy container
// and the damaged one as `unknown`, `state` fails naming the file, `delete` refuses with the
// reason and `delete --force` removes everything from the teardown record.
run('damaged state records', () => {
  let b: TestBundle;
  afterEach(() => b?.cleanup());

  /** A running container (sleep), its init pid and cgroup name. */
  function start(id: string): { pid: number; cg: string } {
    const r = berth(b, ['run', '-d', '--bundle', b.dir, id]);
    expect(r.status, r.stderr).toBe(0);
    return { pid: JSON.parse(berth(b, ['state', id]).stdout).pid, cg: basename(b.config.linux.cgroupsPath) };
  }

  /** Two running containers with their own cgroups: a bystander and the one to damage. */
  function two(): { keep: string; keepPid: number; hit: string; hitPid: number; hitCg: string } {
    b = makeBundle(['sleep', '1000']);
    const keep = uniqueId('keep');
    const keepPid = start(keep).pid;
    b.config.linux.cgroupsPath = `${b.config.linux.cgroupsPath}-hit`;
    b.write();
    const hit = uniqueId('hit');
    const { pid: hitPid, cg: hitCg } = start(hit);
    expect(cgroupDirsNamed(hitCg).length).toBeGreaterThan(0);
    return { keep, keepPid, hit, hitPid, hitCg };
  }

  const DAMAGE: Record<string, (text: string) => string | Buffer> = {
    'valid JSON of the wrong shape': () => '{"id":[1],"pid":"one","status":7,"bundle":false,"created":null}',
    'truncated to half': (t) => t.slice(0, t.length >> 1),
    'garbage': () => Buffer.from([0xde, 0xad, 0xbe, 0xef, 0x00, 0x7b]),
    'one value changed': (t) => t.replace(/"owner":"[^"]*"/, '"owner":"mallory"'),
  };

  for (const [what, damage] of Object.entries(DAMAGE)) {
    it(`state.json ${what}: list shows it as unknown beside the healthy one, state fails naming the file, delete --force removes it all`, () => {
      const { keep, keepPid, hit, hitPid, hitCg } = two();
      const file = join(b.root, hit, 'state.json');
      writeFileSync(file, damage(readFileSync(file, 'utf8')));

      const list = berth(b, ['list', '--format', 'json']);
      expect(list.status, list.stderr).toBe(0);
      const rows = JSON.parse(list.stdout);
      expect(rows.find((r: any) => r.id === keep)).toMatchObject({ status: 'running', pid: keepPid });
      const bad = rows.find((r: any) => r.id === hit);
      // What the teardown record still knows is shown; the status berth cannot know is not.
      expect(bad).toMatchObject({ status: 'unknown', pid: 0, bundle: b.dir, error: expect.stringContaining(`${file}: damaged record: `) });
      const text = berth(b, ['list']);
      expect(text.status).toBe(0);
      expect(text.stdout).toMatch(new RegExp(`^${hit}\\s+0\\s+unknown\\s`, 'm'));
      expect(text.stdout).toMatch(new RegExp(`^${keep}\\s+${keepPid}\\s+running\\s`, 'm'));

      const state = berth(b, ['state', hit]);
      expect(state.status).toBe(1);
      expect(state.stdout).toBe('');
      expect(state.stderr.trim().split('\n')).toHaveLength(1);
      expect(state.stderr).toContain(`container ${hit}: ${file}: damaged record: `);

      const plain = berth(b, ['delete', hit]);
      expect(plain.status).toBe(1);
      expect(plain.stderr).toMatch(new RegExp(`cannot delete container ${hit}: .*damaged record: .*\\(use --force\\)`));
      expect(alive(hitPid)).toBe(true);

      const del = berth(b, ['delete', '--force', hit]);
      expect(del.status, del.stderr).toBe(0);
      expect(del.stderr).toMatch(/removed what teardown\.json records instead/);
      expect(existsSync(join(b.root, hit))).toBe(false);
      expect(cgroupDirsNamed(hitCg)).toEqual([]);
      expect(alive(hitPid)).toBe(false);
      // The bystander is untouched.
      expect(alive(keepPid)).toBe(true);
      expect(JSON.parse(berth(b, ['state', keep]).stdout)).toMatchObject({ status: 'running', pid: keepPid });
    });
  }

  it('both records damaged: list and state still answer; delete --force removes the state dir and says what it could not verify', () => {
    const { keep, keepPid, hit, hitPid, hitCg } = two();
    writeFileSync(join(b.root, hit, 'state.json'), 'garbage');
    writeFileSync(join(b.root, hit, 'teardown.json'), '{"id":');
    const rows = JSON.parse(berth(b, ['list', '-f', 'json']).stdout);
    expect(rows.map((r: any) => [r.id, r.status])).toEqual(expect.arrayContaining([[keep, 'running'], [hit, 'unknown']]));
    const del = berth(b, ['delete', '--force', hit]);
    expect(del.status, del.stderr).toBe(0);
    expect(del.stderr).toMatch(/could not be identified, so none were killed or removed; removed its state dir only/);
    expect(existsSync(join(b.root, hit))).toBe(false);
    // Nothing unverified was killed: the test removes what berth could not identify.
    expect(alive(hitPid)).toBe(true);
    process.kill(hitPid, 'SIGKILL');
    expect(alive(keepPid)).toBe(true);
    for (const dir of cgroupDirsNamed(hitCg).reverse()) {
      for (let i = 0; i < 100; i++) {
        try {
          rmdirSync(dir);
          break;
        } catch {
          Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 20);
        }
      }
    }
  });

  it('delete --force of a damaged container runs its poststop hooks from the teardown record', () => {
    b = makeBundle(['sleep', '1000']);
    const seen = join(b.dir, 'poststop.json');
    b.config.hooks = { poststop: [{ path: '/bin/sh', args: ['sh', '-c', `cat > ${seen}`] }] };
    b.write();
    const id = uniqueId();
    const { pid } = start(id);
    writeFileSync(join(b.root, id, 'state.json'), '{}');
    const del = berth(b, ['delete', '--force', id]);
    expect(del.status, del.stderr).toBe(0);
    expect(JSON.parse(readFileSync(seen, 'utf8'))).toMatchObject({ id, status: 'stopped', pid: 0, bundle: b.dir });
    expect(alive(pid)).toBe(false);
  });

  it('a container from before records were sealed (no checksum, no teardown.json) is still read and removed', () => {
    b = makeBundle(['sleep', '1000']);
    const id = uniqueId();
    const { pid, cg } = start(id);
    const file = join(b.root, id, 'state.json');
    const { sha256, ...legacy } = JSON.parse(readFileSync(file, 'utf8'));
    expect(sha256).toMatch(/^[0-9a-f]{64}$/);
    writeFileSync(file, JSON.stringify(legacy));
    rmSync(join(b.root, id, 'teardown.json'));
    expect(JSON.parse(berth(b, ['state', id]).stdout)).toMatchObject({ status: 'running', pid });
    expect(JSON.parse(berth(b, ['list', '-f', 'json']).stdout)).toEqual([expect.objectContaining({ id, status: 'running' })]);
    const del = berth(b, ['delete', '--force', id]);
    expect(del.status, del.stderr).toBe(0);
    expect(existsSync(join(b.root, id))).toBe(false);
    expect(cgroupDirsNamed(cg)).toEqual([]);
    expect(alive(pid)).toBe(false);
  });

  it('a damaged teardown record alone: state and delete still work from state.json', () => {
    b = makeBundle(['sleep', '1000']);
    const id = uniqueId();
    const { pid, cg } = start(id);
    writeFileSync(join(b.root, id, 'teardown.json'), 'x');
    expect(JSON.parse(berth(b, ['state', id]).stdout)).toMatchObject({ status: 'running', pid });
    const del = berth(b, ['delete', '--force', id]);
    expect(del.status, del.stderr).toBe(0);
    expect(existsSync(join(b.root, id))).toBe(false);
    expect(cgroupDirsNamed(cg)).toEqual([]);
    expect(alive(pid)).toBe(false);
  });
});
