import { describe, it, expect, afterEach } from 'vitest';
import { readFileSync } from 'node:fs';
import { berth, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../helpers/bundle.js';
import { cgroupDirsNamed } from '../helpers/leaks.js';

const run = isRoot() && haveBuild() ? describe : describe.skip;

async function gone(pid: number): Promise<void> {
  for (let i = 0; i < 200; i++) {
    try {
      readFileSync(`/proc/${pid}/stat`);
    } catch {
      return;
    }
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`process ${pid} still alive`);
}

/**
 * Containers sharing one cgroup (the later ones join a non-empty cgroup, with runc's warning):
 * the cgroup goes with the last of them, whoever made it, as with runc (runc's cgroups.bats
 * "should warn about a non-empty cgroup" left it behind before).
 */
run('a cgroup shared by several containers', () => {
  let b: TestBundle;
  afterEach(() => b?.cleanup());

  it('deleting its maker first leaves it (with a warning) to the others; the last delete removes it', async () => {
    b = makeBundle(['sleep', '300']);
    const leaf = b.config.linux.cgroupsPath.split('/').pop()!;
    const [maker, joiner] = [uniqueId('maker'), uniqueId('joiner')];
    expect(berth(b, ['run', '-d', '--bundle', b.dir, maker]).status).toBe(0);
    const second = berth(b, ['run', '-d', '--bundle', b.dir, joiner]);
    expect(second.status, second.stderr).toBe(0);
    expect(second.stderr).toMatch(/container's cgroup is not empty/);
    const dirs = cgroupDirsNamed(leaf);
    expect(dirs.length).toBeGreaterThan(0);

    // The maker's init alone is killed; the joiner's process stays in the shared cgroup.
    const makerPid = JSON.parse(berth(b, ['state', maker]).stdout).pid;
    expect(berth(b, ['kill', maker, 'KILL']).status).toBe(0);
    await gone(makerPid);
    const d1 = berth(b, ['delete', maker]);
    expect(d1.status, d1.stderr).toBe(0);
    expect(d1.stderr).toMatch(/still holds 1 process\(es\) of another container sharing it/);
    expect(cgroupDirsNamed(leaf)).toEqual(dirs);
    expect(JSON.parse(berth(b, ['state', joiner]).stdout).status).toBe('running');

    const d2 = berth(b, ['delete', '--force', joiner]);
    expect(d2.status, d2.stderr).toBe(0);
    expect(cgroupDirsNamed(leaf)).toEqual([]);
  });
});
