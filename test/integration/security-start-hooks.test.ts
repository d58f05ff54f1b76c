import { describe, it, expect, afterEach } from 'vitest';
import { berth, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../helpers/bundle.js';

const run = isRoot() && haveBuild() ? describe : describe.skip;

// A startContainer hook runs inside the container after `start`: it must run under the same
// no_new_privs and seccomp filter as the container's process (runc's seccomp.bats
// "startContainer hook"), never unconfined.
const PROFILE = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 122 }] };
const HOOK = 'grep -E "^(NoNewPrivs|Seccomp):" /proc/self/status > /hook-status; mkdir /hook-dir 2>>/hook-status || echo mkdir-refused >> /hook-status';

run('startContainer hooks run confined', () => {
  let b: TestBundle;
  afterEach(() => b?.cleanup());

  for (const nnp of [true, false]) {
    it(`with noNewPrivileges ${nnp}: the hook runs under the filter${nnp ? ' and no_new_privs' : ''}`, () => {
      b = makeBundle(['cat', '/hook-status'], (c) => {
        c.process.noNewPrivileges = nnp;
        c.root.readonly = false;
        c.linux.seccomp = PROFILE;
        c.hooks = { startContainer: [{ path: '/bin/sh', args: ['sh', '-c', HOOK] }] };
      });
      const r = berth(b, ['run', '--bundle', b.dir, uniqueId()]);
      expect(r.status, r.stderr).toBe(0);
      // Seccomp 2: a filter is in force in the hook; mkdir got the profile's errno.
      expect(r.stdout).toMatch(/^Seccomp:\s+2$/m);
      expect(r.stdout).toMatch(new RegExp(`^NoNewPrivs:\\s+${nnp ? 1 : 0}$`, 'm'));
      expect(r.stdout).toContain('mkdir-refused');
    });
  }
});
