// org.systemd.property.* annotations through the CLI, on any host: with --systemd-cgroup a bad
// one is refused in runc's words before anything is made (here, before the driver even asks
// whether systemd runs); without it they are annotations like any other, as in runc. That the
// properties reach the scope (`systemctl show`) is checked where systemd runs:
// test/integration/cgroups-systemd.test.ts (npm run test:systemd).
import { describe, it, expect, afterEach } from 'vitest';
import { existsSync, readdirSync } from 'node:fs';
import { berth, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../helpers/bundle.js';

const run = isRoot() && haveBuild() ? describe : describe.skip;

run('org.systemd.property.* annotations (runc)', () => {
  let b: TestBundle;
  afterEach(() => b?.cleanup());

  it('with --systemd-cgroup a malformed one fails create naming the annotation, leaving nothing', () => {
    b = makeBundle(['true'], (c) => {
      c.linux.cgroupsPath = 'system.slice:berth:x';
      c.annotations = { 'org.systemd.property.TimeoutStopSec': "'soon'" };
    });
    const r = berth(b, ['--systemd-cgroup', 'create', '--bundle', b.dir, uniqueId()]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(
      "config.json: /annotations/org.systemd.property.TimeoutStopSec: annotation org.systemd.property.TimeoutStopSec='soon' value parse error: not a number",
    );
    expect(existsSync(b.root) ? readdirSync(b.root) : []).toEqual([]);
  });

  it('without --systemd-cgroup they are plain annotations (runc ignores them there too)', () => {
    b = makeBundle(['true'], (c) => {
      c.annotations = { 'org.systemd.property.Xo': 'not gvariant' };
    });
    const r = berth(b, ['run', '--bundle', b.dir, uniqueId()]);
    expect(r.status, r.stderr).toBe(0);
  });
});
