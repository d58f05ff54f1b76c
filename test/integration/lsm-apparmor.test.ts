import { describe, it, expect, beforeAll, afterAll, afterEach } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { berthYielding as berth, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../helpers/bundle.js';

const PARSER = ['/sbin/apparmor_parser', '/usr/sbin/apparmor_parser'].find((p) => existsSync(p));
const ENABLED = (() => {
  try {
    return readFileSync('/sys/module/apparmor/parameters/enabled', 'utf8').trim() === 'Y';
  } catch {
    return false;
  }
})();
// The kernel's AppArmor interface (securityfs) is where profiles are loaded.
const FS = existsSync('/sys/kernel/security/apparmor/profiles');
const why = !isRoot() ? 'not root' : !haveBuild() ? 'no build' : !ENABLED ? 'AppArmor is not enabled on this kernel (the LSM VM lane runs this file: npm run test:lsm)' : !FS ? 'securityfs is not mounted' : !PARSER ? 'apparmor_parser is missing (apt-get install apparmor)' : '';
if (why) console.log(`lsm-apparmor.test.ts skipped: ${why}`);
const run = why ? describe.skip : describe;

const DENIED = '/berth-aa-denied';
const CONTENT = 'readable-without-the-profile';

/**
 * process.apparmorProfile and `exec --apparmor` for real: a profile that allows everything but
 * reading one file is loaded into the kernel; the process confined by it is refused that file,
 * one without it is not, and the kernel names the profile as the process's confinement.
 */
run('AppArmor profiles (process.apparmorProfile, exec --apparmor)', () => {
  const profile = `berth-test-${process.pid}`;
  let dir: string;
  let b: TestBundle | undefined;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'berth-aa-'));
    const file = join(dir, 'profile');
    writeFileSync(file, `profile ${profile} flags=(attach_disconnected,mediate_deleted) {\n  file,\n  capability,\n  network,\n  signal,\n  ptrace,\n  unix,\n  mount,\n  umount,\n  pivot_root,\n  deny ${DENIED} rw,\n}\n`);
    const r = spawnSync(PARSER!, ['-r', '-W', file], { encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
  });
  afterAll(() => {
    spawnSync(PARSER!, ['-R', join(dir, 'profile')], { encoding: 'utf8' });
    rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    b?.cleanup();
    b = undefined;
  });

  function bundle(args: string[], withProfile: boolean): TestBundle {
    const t = makeBundle(args, (c) => {
      if (withProfile) c.process.apparmorProfile = profile;
    });
    writeFileSync(join(t.rootfs, DENIED.slice(1)), CONTENT);
    return t;
  }

  it('a container with the profile cannot read the denied file and runs confined by it', async () => {
    b = bundle(['sh', '-c', `cat /proc/self/attr/current; cat ${DENIED}; echo rc=$?`], true);
    const r = await berth(b, ['run', '--bundle', b.dir, uniqueId()]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain(`${profile} (enforce)`);
    expect(r.stdout).not.toContain(CONTENT);
    expect(r.stdout).toContain('rc=1');
    expect(r.stdout + r.stderr).toMatch(/Permission denied/);
  });

  it('the same container without the profile reads it, unconfined', async () => {
    b = bundle(['sh', '-c', `cat /proc/self/attr/current; cat ${DENIED}; echo rc=$?`], false);
    const r = await berth(b, ['run', '--bundle', b.dir, uniqueId()]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toContain('unconfined');
    expect(r.stdout).toContain(CONTENT);
    expect(r.stdout).toContain('rc=0');
  });

  it('exec --apparmor confines the exec\'d process only', async () => {
    b = bundle(['sleep', '1000'], false);
    const id = uniqueId();
    const c = await berth(b, ['run', '-d', '--bundle', b.dir, id]);
    expect(c.status, c.stderr).toBe(0);
    const confined = await berth(b, ['exec', '--apparmor', profile, id, 'sh', '-c', `cat /proc/self/attr/current; cat ${DENIED}; echo rc=$?`]);
    expect(confined.status, confined.stderr).toBe(0);
    expect(confined.stdout).toContain(`${profile} (enforce)`);
    expect(confined.stdout).not.toContain(CONTENT);
    expect(confined.stdout).toContain('rc=1');
    const free = await berth(b, ['exec', id, 'sh', '-c', `cat ${DENIED}; echo rc=$?`]);
    expect(free.status, free.stderr).toBe(0);
    expect(free.stdout).toContain(CONTENT);
    // The init itself stays as it was started: unconfined.
    const pid = JSON.parse((await berth(b, ['state', id])).stdout).pid;
    expect(readFileSync(`/proc/${pid}/attr/current`, 'utf8').trim()).toBe('unconfined');
  });

  it('a profile the kernel does not have fails create, leaving no container', async () => {
    b = bundle(['true'], false);
    b.config.process.apparmorProfile = `${profile}-missing`;
    b.write();
    const id = uniqueId();
    const r = await berth(b, ['create', '--bundle', b.dir, id]);
    expect(r.status).not.toBe(0);
    expect(r.stderr).toContain(`${profile}-missing`);
    expect(r.stderr).toMatch(/apparmor/i);
    expect((await berth(b, ['state', id])).status).not.toBe(0);
  });
});
