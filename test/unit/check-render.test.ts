import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { checkDocument, type CheckItem } from '../../src/check/item.js';
import { renderCheckText } from '../../src/check/render-text.js';
import { subIdRanges } from '../../src/host/userns.js';
import { dbusText, fieldPointer } from '../../src/cgroups/dry-run.js';
import { variant } from '../../src/cgroups/systemd/dbus/wire.js';

const REPO = new URL('../..', import.meta.url).pathname;
const validate = new Ajv({ strict: true }).compile(JSON.parse(readFileSync(join(REPO, 'schemas/check.schema.json'), 'utf8')));

const item = (id: string, status: CheckItem['status'], required: boolean, extra: Partial<CheckItem> = {}): CheckItem => ({ id, title: id, status, detail: `${id} detail`, required, facts: {}, ...extra });

describe('berth check: the document and its text', () => {
  it('ok only when every required item is ok; optional ones may be missing', () => {
    const fine = checkDocument([item('cgroup', 'ok', true), item('criu', 'missing', false, { impact: 'checkpoint and restore', fix: 'apt-get install criu' }), item('kernel', 'info', false)]);
    expect(fine.ok).toBe(true);
    expect(validate(fine), JSON.stringify(validate.errors)).toBe(true);
    const text = renderCheckText(fine);
    expect(text).toMatch(/^  MISSING   criu    criu detail\n            +stops working: checkpoint and restore\n +fix: apt-get install criu$/m);
    expect(text).toMatch(/^A default container \(berth spec\) can run here\.$/m);
    const broken = checkDocument([item('cgroup', 'ok', true), item('openat2', 'missing', true, { impact: 'create fails', fix: 'kernel ≥ 5.6' }), item('pidfd', 'degraded', false)]);
    expect(broken.ok).toBe(false);
    expect(renderCheckText(broken)).toMatch(/openat2 detail  \[needed by a default container\]\n/);
    expect(renderCheckText(broken)).toMatch(/^A default container \(berth spec\) cannot run here: openat2\.$/m);
    expect(checkDocument([item('cgroup-controllers', 'degraded', true)]).ok).toBe(false);
  });

  it('an ok item with a caveat says it as a note, not as something that stops working', () => {
    const t = renderCheckText(checkDocument([item('cgroup', 'ok', true, { impact: 'linux.resources.unified is refused' })]));
    expect(t).toMatch(/note: linux\.resources\.unified is refused/);
    expect(t).not.toMatch(/stops working/);
  });

  it('subordinate id ranges: by name or uid, malformed lines ignored', () => {
    const text = 'alice:100000:65536\nbob:200000:65536\n1000:300000:10\nalice:bad:1\n\nalice:400000:5\n';
    expect(subIdRanges(text, 'alice', 1000)).toEqual([{ start: 100000, count: 65536 }, { start: 300000, count: 10 }, { start: 400000, count: 5 }]);
    expect(subIdRanges(text, 'carol', 1001)).toEqual([]);
  });

  it('cgroup write fields become JSON pointers', () => {
    expect(fieldPointer('linux.resources.memory.limit')).toBe('/linux/resources/memory/limit');
    expect(fieldPointer('linux.resources.devices[3]')).toBe('/linux/resources/devices/3');
  });

  it('systemd unit properties (create --dry-run --systemd-cgroup) read as systemctl shows them', () => {
    expect(dbusText(variant('b', true))).toBe('true');
    expect(dbusText(variant('au', [0]))).toBe('0');
    expect(dbusText(variant('t', 67108864n))).toBe('67108864');
    expect(dbusText(variant('a(ss)', [['/dev/null', 'rwm'], ['char-pts', 'rwm']]))).toBe('(/dev/null rwm) (char-pts rwm)');
  });
});
