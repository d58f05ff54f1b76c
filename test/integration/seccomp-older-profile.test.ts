// A profile older than the syscalls berth-init uses after the filter is loaded (close_range,
// faccessat2 behind glibc's faccessat AT_EACCESS, openat2 for the cwd): without no_new_privs the filter goes in before
// the user switch, and such a profile answers them with its default errno. runtime-tools' default
// profile is one; every one of its tests failed create before the init fell back.
import { describe, it, expect, afterEach } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO, berth, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../helpers/bundle.js';

const run = isRoot() && haveBuild() ? describe : describe.skip;

run('seccomp: a profile that predates the init\'s syscalls', () => {
  let b: TestBundle;
  afterEach(() => b?.cleanup());

  it('without no_new_privs: create and run work (close_range, faccessat2, openat2 denied with EPERM)', () => {
    const profile = JSON.parse(readFileSync(join(REPO, 'src/seccomp/profiles/default.json'), 'utf8'));
    const older = ['close_range', 'faccessat2', 'openat2'];
    for (const s of profile.syscalls) s.names = s.names.filter((n: string) => !older.includes(n));
    profile.defaultErrnoRet = 1; // EPERM, as runtime-tools' profile answers
    b = makeBundle(['sh', '-c', 'echo hi from $(pwd)'], (c) => {
      c.process.cwd = '/tmp';
      c.linux.seccomp = profile;
      c.process.noNewPrivileges = false;
    });
    const r = berth(b, ['run', '--bundle', b.dir, uniqueId()]);
    expect(r.stderr).toBe('');
    expect(r.stdout).toBe('hi from /tmp\n');
    expect(r.status).toBe(0);
  });
});
