import { describe, it, expect } from 'vitest';
import { withMountLabel } from '../../src/plan/mount-label.js';
import { checkMountLabel } from '../../src/host/lsm.js';
import { planOfDefault } from '../helpers/plan.js';

const LABEL = 'system_u:object_r:container_file_t:s0:c715,c811';

describe('linux.mountLabel', () => {
  it('is the quoted context= option, after the mount\'s own data (runc\'s FormatMountLabel)', () => {
    expect(withMountLabel('tmpfs', 'mode=755,size=65536k', LABEL)).toBe(`mode=755,size=65536k,context="${LABEL}"`);
    expect(withMountLabel('tmpfs', '', LABEL)).toBe(`context="${LABEL}"`);
    expect(withMountLabel('tmpfs', 'mode=755', undefined)).toBe('mode=755');
    for (const t of ['proc', 'sysfs', 'mqueue', 'cgroup2']) expect(withMountLabel(t, 'x=1', LABEL), t).toBe('x=1');
  });

  it('in the plan: on /dev, /dev/pts, /dev/shm and tmpfs mounts; not on proc, sysfs, mqueue, binds or remounts', () => {
    const ops = planOfDefault((c) => {
      c.linux.mountLabel = LABEL;
      c.mounts.push({ destination: '/data', source: '/b/data', type: 'bind', options: ['rbind', 'ro'] });
      c.mounts.push({ destination: '/tmp', type: 'tmpfs', source: 'tmpfs', options: ['ro'] });
    });
    const mounts = ops.filter((o) => o.op === 'MOUNT_IN_ROOT');
    const data = (dst: string) => mounts.filter((o) => o.args[2] === dst).map((o) => o.args[5]);
    expect(data('dev')[0]).toBe(`mode=755,size=65536k,context="${LABEL}"`);
    expect(data('dev/pts')[0]).toMatch(new RegExp(`^newinstance,ptmxmode=0666,mode=0?620,gid=5,context="${LABEL}"$`));
    expect(data('dev/shm')[0]).toMatch(/context="/);
    expect(data('tmp')).toEqual([`context="${LABEL}"`, '']);
    for (const dst of ['proc', 'sys', 'dev/mqueue', 'data']) expect(data(dst).join(' '), dst).not.toContain('context=');
  });

  it('without SELinux: refused naming the field (as process.selinuxLabel)', () => {
    expect(() => checkMountLabel({ mountLabel: LABEL }, 'config.json', { apparmor: true, selinux: false })).toThrow(`config.json: /linux/mountLabel: SELinux is not enabled on this host, cannot apply mount label "${LABEL}"`);
    expect(() => checkMountLabel({ mountLabel: LABEL }, 'config.json', { apparmor: false, selinux: true })).not.toThrow();
    expect(() => checkMountLabel({}, 'config.json', { apparmor: false, selinux: false })).not.toThrow();
  });
});
