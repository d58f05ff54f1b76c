// linux.resources.pids.limit (issue 21, runtime-spec 1.3): 0 is a real limit (applied as 1, as
// runc 1.5 does on every driver), a negative value is "max"; `update --pids-limit` agrees. The
// limit is applied once the init is up (cgroups/pids-after-init.ts), so even this one starts.
import { afterEach, describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CgroupRecord } from '../../src/cgroups/index.js';
import { berth, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../helpers/bundle.js';
import { files, readAt } from '../helpers/cgroup-files.js';

const run = isRoot() && haveBuild() ? describe : describe.skip;

run('pids.limit 0 and -1', () => {
  let b: TestBundle | undefined;
  afterEach(() => b?.cleanup());
  const ok = (r: { status: number | null; stderr: string }) => expect(r.status, r.stderr).toBe(0);
  const cgroupOf = (id: string): CgroupRecord => JSON.parse(readFileSync(join(b!.root, id, 'state.json'), 'utf8')).cgroup;

  it('0: pids.max is 1 and the container cannot fork', () => {
    b = makeBundle(['sh', '-c', 'if /bin/true; then echo forked; fi; echo end'], (c) => {
      c.linux.resources = { ...c.linux.resources, pids: { limit: 0 } };
    });
    const id = uniqueId();
    ok(berth(b, ['create', '--bundle', b.dir, id]));
    const rec = cgroupOf(id);
    expect(readAt(rec, files.pidsMax(rec))).toBe('1');
    ok(berth(b, ['delete', '--force', id]));

    const r = berth(b, ['run', '--bundle', b.dir, uniqueId()]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/can't fork/);
    expect(r.stdout).not.toMatch(/forked/);
  });

  it('-1 is "max"; update --pids-limit 0 is 1 again, -1 "max"', () => {
    b = makeBundle(['sleep', '300'], (c) => {
      c.linux.resources = { ...c.linux.resources, pids: { limit: -1 } };
    });
    const id = uniqueId();
    ok(berth(b, ['create', '--bundle', b.dir, id]));
    const rec = cgroupOf(id);
    expect(readAt(rec, files.pidsMax(rec))).toBe('max');
    ok(berth(b, ['update', '--pids-limit', '0', id]));
    expect(readAt(rec, files.pidsMax(rec))).toBe('1');
    ok(berth(b, ['update', '--pids-limit', '-1', id]));
    expect(readAt(rec, files.pidsMax(rec))).toBe('max');
    ok(berth(b, ['update', '-r', '-', id], { input: JSON.stringify({ pids: { limit: 0 } }) }));
    expect(readAt(rec, files.pidsMax(rec))).toBe('1');
    ok(berth(b, ['delete', '--force', id]));
  });
});
