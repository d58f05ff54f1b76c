import { describe, it, expect, afterEach } from 'vitest';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BERTH, REPO, haveBuild, isRoot, uniqueId } from '../helpers/bundle.js';
import { makeBusyboxRootfs } from '../helpers/rootfs.js';
import { TEST_CGROUP_PARENT } from '../helpers/cgroup-parent.js';

const run = isRoot() && haveBuild() ? describe : describe.skip;

/** The README's usage block, as a user would paste it. */
function usageBlock(): string {
  const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
  const m = /## Usage\n\n```sh\n([\s\S]*?)```/.exec(readme);
  if (!m) throw new Error('README.md has no ```sh block under "## Usage"');
  return m[1]!;
}

run('README', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) {
      const root = join(d, 'state');
      for (const id of ['c1', 'c2']) spawnSync(BERTH, ['--root', root, 'delete', '--force', id], { stdio: 'ignore' });
      rmSync(d, { recursive: true, force: true });
    }
  });

  it('the usage block works as written', () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-readme-'));
    dirs.push(dir);
    // The block makes mybundle/rootfs and leaves filling it to the reader: the test fills it
    // first (the block's mkdir -p keeps it). `berth` is this checkout's, with a private --root
    // and a cgroupsPath under the tests' parent (a bare `berth spec` has none).
    const bundle = join(dir, 'mybundle');
    mkdirSync(bundle, { recursive: true });
    makeBusyboxRootfs(bundle);
    const cg = `${TEST_CGROUP_PARENT}/${uniqueId('readme')}`;
    const prelude = `berth() {
  if [ "$1" = create ] || [ "$1" = run ]; then
    grep -q '"cgroupsPath"' config.json || sed -i 's|"linux": {|"linux": {"cgroupsPath": "${cg}",|' config.json
  fi
  "${BERTH}" --root "${join(dir, 'state')}" "$@"
}
set -e
cd "${dir}"
`;
    const r = spawnSync('sh', ['-c', prelude + usageBlock()], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/"status": "created"/);
    expect(r.stdout).toMatch(/PID\s+USER\s+(TIME\s+)?COMMAND[\s\S]*sleep 300/);
    expect(r.stdout.trimEnd().endsWith('hello from c2')).toBe(true);
  });
});
