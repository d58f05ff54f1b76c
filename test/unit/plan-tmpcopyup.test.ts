// "tmpcopyup" on a tmpfs mount: one TMPCOPYUP step (mount and copy) in place of the tmpfs mount,
// its flags and data as for any tmpfs; refused on any other mount type.
import { describe, expect, it } from 'vitest';
import { planOfDefault } from '../helpers/plan.js';
import { parseMountOptions } from '../../src/plan/mount-options.js';
import { validateConfig } from '../../src/validate/config.js';
import { defaultConfig } from '../../src/spec/default-config.js';
import { decodeStep } from '../../src/dryrun/decode.js';
import { MS } from '../../src/plan/linux.js';

const steps = (options: string[]) => {
  const ops = planOfDefault((c) => c.mounts.push({ destination: '/data', type: 'tmpfs', source: 'tmpfs', options }));
  return ops.filter((o) => o.from === `/mounts/${defaultConfig().mounts.length}`);
};

describe('tmpcopyup', () => {
  it('is an option of its own, not mount data', () => {
    const o = parseMountOptions(['tmpcopyup', 'size=1m', 'nosuid']);
    expect(o.tmpcopyup).toBe(true);
    expect(o.data).toEqual(['size=1m']);
    expect(parseMountOptions(['size=1m']).tmpcopyup).toBe(false);
  });

  it('one TMPCOPYUP step: the root keeps the old dir\'s mode and owner unless the options set them', () => {
    const [s, ...rest] = steps(['tmpcopyup', 'nosuid', 'size=1m']);
    expect(rest).toEqual([]);
    expect(s!.op).toBe('TMPCOPYUP');
    expect(s!.args).toEqual(['/b/rootfs', 'data', String(MS.NOSUID), 'size=1m', '1', '1']);
    expect(decodeStep(s!)).toEqual({ source: 'tmpfs', target: '/data', type: 'tmpfs', flags: ['nosuid'], data: 'size=1m', copyUp: true });
    expect(steps(['tmpcopyup', 'mode=1777'])[0]!.args.slice(4)).toEqual(['0', '1']);
    expect(steps(['tmpcopyup', 'uid=5'])[0]!.args.slice(4)).toEqual(['1', '0']);
  });

  it('a read-only one is copied into while writable, then remounted read-only; propagation follows', () => {
    const s = steps(['tmpcopyup', 'ro', 'rprivate']);
    expect(s.map((o) => o.op)).toEqual(['TMPCOPYUP', 'MOUNT_IN_ROOT', 'MOUNT_IN_ROOT']);
    expect(Number(s[0]!.args[2]) & MS.RDONLY).toBe(0);
    expect(Number(s[1]!.args[4])).toBe(MS.PRIVATE | MS.REC);
    expect(Number(s[2]!.args[4]) & (MS.REMOUNT | MS.RDONLY)).toBe(MS.REMOUNT | MS.RDONLY);
  });

  it('on a mount that is not a tmpfs: an error naming the mount', () => {
    const c = defaultConfig();
    c.mounts.push({ destination: '/data', type: 'bind', source: '/etc', options: ['rbind', 'tmpcopyup'] });
    expect(validateConfig(c).errors).toEqual([`config.json: /mounts/${c.mounts.length - 1}/options: tmpcopyup needs a tmpfs mount (type "tmpfs"), not "bind"`]);
  });
});
