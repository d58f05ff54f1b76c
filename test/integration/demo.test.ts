// README's demo (scripts/demo.sh = set-up, then scripts/demo-run.sh): the container runs and
// says hello, and nothing of it is left: no bundle in /tmp, no container under /run/berth.
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { haveBuild, isRoot } from '../helpers/bundle.js';

const run = isRoot() && haveBuild() ? describe : describe.skip;
const demoLeftovers = () => readdirSync('/tmp').filter((f) => f.startsWith('berth-demo'));
const demoContainers = () => (existsSync('/run/berth') ? readdirSync('/run/berth').filter((f) => f.startsWith('demo-')) : []);

run('the demo', () => {
  it('runs the default bundle in the foreground and leaves neither its bundle nor its container', () => {
    const tmpBefore = demoLeftovers();
    const containersBefore = demoContainers();
    const r = spawnSync('bash', ['scripts/demo-run.sh'], { encoding: 'utf8', timeout: 60_000 });
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^hello from inside a berth container$/m);
    expect(r.stdout).toMatch(/^pid: 1$/m);
    const bundle = /^bundle: (\S+)$/m.exec(r.stdout)?.[1];
    expect(bundle).toMatch(/^\/tmp\/berth-demo-/);
    expect(existsSync(bundle!)).toBe(false);
    expect(demoLeftovers()).toEqual(tmpBefore);
    expect(demoContainers()).toEqual(containersBefore);
  });
});
