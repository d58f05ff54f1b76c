import { describe, it, expect, afterEach } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { berthYielding as berth, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../helpers/bundle.js';

// A policy is loaded when selinuxfs lists its classes (before load_policy it is empty).
const LOADED = existsSync('/sys/fs/selinux/class/file');
const why = !isRoot() ? 'not root' : !haveBuild() ? 'no build' : !existsSync('/sys/fs/selinux/enforce') ? 'SELinux is not enabled on this kernel (the SELinux VM lane runs this file: npm run test:selinux)' : !LOADED ? 'no SELinux policy is loaded' : '';
if (why) console.log(`lsm-selinux.test.ts skipped: ${why}`);
const run = why ? describe.skip : describe;

// Contexts Debian's reference policy (selinux-policy-default) knows: its store has no container
// module (container_t, container_file_t are invalid there). The mount label has categories, so
// a comma: the quoting of context="..." is exercised.
const PROCESS = 'system_u:system_r:unconfined_t:s0';
const MOUNT = 'system_u:object_r:tmpfs_t:s0:c1,c2';

/**
 * process.selinuxLabel, `exec --process-label` and linux.mountLabel with a policy in the kernel
 * (the VM lane loads Debian's reference policy, permissive: labels are applied and checked for
 * validity by the kernel, denials only logged). What the kernel shows is compared: the process's
 * /proc/self/attr/current and the mounts' context= option in mountinfo.
 */
run('SELinux labels (process.selinuxLabel, exec --process-label, linux.mountLabel)', () => {
  let b: TestBundle | undefined;
  afterEach(() => {
    b?.cleanup();
    b = undefined;
  });

  it('the container runs with its label; its tmpfs and devpts mounts carry the mount label', async () => {
    b = makeBundle(['sh', '-c', 'cat /proc/self/attr/current; echo; cat /proc/self/mountinfo'], (c) => {
      c.process.selinuxLabel = PROCESS;
      c.linux.mountLabel = MOUNT;
    });
    const r = await berth(b, ['run', '--bundle', b.dir, uniqueId()]);
    expect(r.status, r.stderr).toBe(0);
    const [label, ...mountinfo] = r.stdout.split('\n');
    expect(label!.replace(/\0/g, '')).toBe(PROCESS);
    const opts = (dst: string) => mountinfo.find((l) => l.split(' ')[4] === dst) ?? '';
    for (const dst of ['/dev', '/dev/pts', '/dev/shm']) expect(opts(dst), dst).toContain(`context="${MOUNT}"`);
    expect(opts('/proc')).not.toContain('context=');
  });

  it('exec --process-label labels the exec\'d process only', async () => {
    b = makeBundle(['sleep', '1000']);
    const id = uniqueId();
    expect((await berth(b, ['run', '-d', '--bundle', b.dir, id])).status).toBe(0);
    const r = await berth(b, ['exec', '--process-label', PROCESS, id, 'cat', '/proc/self/attr/current']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout.replace(/\0/g, '').trim()).toBe(PROCESS);
    const pid = JSON.parse((await berth(b, ['state', id])).stdout).pid;
    expect(readFileSync(`/proc/${pid}/attr/current`, 'utf8').replace(/\0/g, '').trim()).not.toBe(PROCESS);
  });

  it('a label the policy does not know fails create, leaving no container', async () => {
    b = makeBundle(['true'], (c) => (c.process.selinuxLabel = 'system_u:system_r:berth_no_such_t:s0'));
    const id = uniqueId();
    const r = await berth(b, ['create', '--bundle', b.dir, id]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain('berth_no_such_t');
    expect((await berth(b, ['state', id])).status).not.toBe(0);
  });
});
