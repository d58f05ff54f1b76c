import { describe, it, expect, afterEach } from 'vitest';
import { readFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { berth, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../helpers/bundle.js';

const run = isRoot() && haveBuild() ? describe : describe.skip;
// The probe and the user namespace container need new user namespaces, which a chrooted test
// environment (the cgroup VM lanes) cannot make.
const userns = spawnSync('unshare', ['-U', '-r', 'true']).status === 0;

function mountTargets(): string[] {
  return readFileSync('/proc/self/mountinfo', 'utf8').split('\n').filter(Boolean).map((l) => l.split(' ')[4]!);
}

// The kernel lets a process with its own user, mount and pid namespaces mount a fresh procfs
// only while a fully visible procfs is reachable in its mount namespace. With --no-pivot
// (MS_MOVE + chroot) the host's /proc and /sys stay in the container's mount namespace under
// the moved root unless the runtime removes them (runc's no_pivot.bats: "must not expose bare
// /proc").
// -n too: sysfs is mountable only by the owner of the network namespace. CAP_SETFCAP: since
// Linux 5.12 mapping uid 0 in a new user namespace needs it in the parent one.
const PROBE = 'unshare -mrpfn sh -c "mount -t proc none /proc && echo MOUNTED-PROC; mount -t sysfs none /sys && echo MOUNTED-SYS"; echo done';

run('--no-pivot', () => {
  let b: TestBundle;
  afterEach(() => b?.cleanup());

  for (const noPivot of [true, false]) {
    it.skipIf(!userns)(`a nested user+mount+pid namespace cannot mount a bare procfs or sysfs${noPivot ? ' (--no-pivot)' : ' (pivot_root)'}`, () => {
      b = makeBundle(['sh', '-c', PROBE], (c) => {
        for (const set of ['bounding', 'effective', 'permitted']) c.process.capabilities[set].push('CAP_SETFCAP');
      });
      const before = mountTargets();
      const r = berth(b, ['run', ...(noPivot ? ['--no-pivot'] : []), '--bundle', b.dir, uniqueId()]);
      expect(r.status, r.stderr).toBe(0);
      expect(r.stdout).toContain('done');
      expect(r.stdout).not.toContain('MOUNTED-PROC');
      expect(r.stdout).not.toContain('MOUNTED-SYS');
      // busybox's words for EPERM from mount(2) (not "no such device" or a usage error).
      expect(r.stderr.match(/mount: permission denied/g)?.length).toBe(2);
      // The host's own /proc and /sys are untouched (the detach happened in the container's
      // mount namespace only).
      expect(mountTargets()).toEqual(before);
    });
  }

  it.skipIf(!userns)('in a user namespace (host mounts locked: covered instead of detached) with --no-pivot', () => {
    b = makeBundle(['sh', '-c', PROBE], (c) => {
      c.linux.namespaces.push({ type: 'user' });
      c.linux.uidMappings = [{ containerID: 0, hostID: 200000, size: 65536 }];
      c.linux.gidMappings = [{ containerID: 0, hostID: 200000, size: 65536 }];
      c.mounts = c.mounts.filter((m: any) => !['/sys', '/sys/fs/cgroup'].includes(m.destination));
      for (const set of ['bounding', 'effective', 'permitted']) c.process.capabilities[set].push('CAP_SETFCAP');
    });
    const before = mountTargets();
    const r = berth(b, ['run', '--no-pivot', '--bundle', b.dir, uniqueId()]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('done');
    expect(r.stdout).not.toContain('MOUNTED-PROC');
    expect(r.stdout).not.toContain('MOUNTED-SYS');
    expect(mountTargets()).toEqual(before);
  });

  it('with --no-pivot the container keeps its own /proc', () => {
    b = makeBundle(['sh', '-c', 'cat /proc/1/comm; ls /sys/kernel >/dev/null && echo sys-ok']);
    const r = berth(b, ['run', '--no-pivot', '--bundle', b.dir, uniqueId()]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('sh\nsys-ok\n');
  });
});
