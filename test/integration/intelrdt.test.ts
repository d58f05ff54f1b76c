import { describe, it, expect, afterEach } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { berth, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../helpers/bundle.js';
import { resctrlMountIn } from '../../src/intelrdt/resctrl.js';

const run = isRoot() && haveBuild() ? describe : describe.skip;
// The resctrl filesystem as the host's mount table shows it (not berth's probe).
const hasResctrl = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => / - resctrl /.test(l));

/**
 * linux.intelRdt on a host without resctrl (this machine and the VM lanes: the group work is
 * covered by test/unit/intelrdt.test.ts against a stand-in dir). create's refusal, leaving
 * nothing, is in failures.test.ts; here the host's lack of resctrl and update's refusal.
 */
run('Intel RDT without resctrl', () => {
  let b: TestBundle;
  afterEach(() => b?.cleanup());

  it('this host has no resctrl mounted (else the refusals would not be tested)', () => {
    expect(hasResctrl).toBe(false);
    expect(resctrlMountIn(readFileSync('/proc/self/mountinfo', 'utf8'))).toBeUndefined();
  });

  it('update --l3-cache-schema / --mem-bw-schema: a clear error, the container and its record unchanged', () => {
    b = makeBundle(['sleep', '100']);
    const id = uniqueId();
    expect(berth(b, ['run', '-d', '--bundle', b.dir, id]).status).toBe(0);
    const state = readFileSync(join(b.root, id, 'state.json'), 'utf8');
    const l3 = berth(b, ['update', '--l3-cache-schema', 'L3:0=f', id]);
    expect(l3.status).toBe(1);
    expect(l3.stderr.trim()).toBe(`update ${id}: --l3-cache-schema: Intel RDT is not supported or enabled: no resctrl filesystem is mounted`);
    const mb = berth(b, ['update', '--mem-bw-schema', 'MB:0=50', id]);
    expect(mb.stderr.trim()).toBe(`update ${id}: --mem-bw-schema: Intel RDT is not supported or enabled: no resctrl filesystem is mounted`);
    const bad = berth(b, ['update', '--mem-bw-schema', '0=50', id]);
    expect(bad.stderr.trim()).toBe('update --mem-bw-schema: must start with "MB:" ("0=50")');
    expect(readFileSync(join(b.root, id, 'state.json'), 'utf8')).toBe(state);
    expect(JSON.parse(berth(b, ['state', id]).stdout).status).toBe('running');
  });
});
