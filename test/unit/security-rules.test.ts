import { describe, it, expect } from 'vitest';
import { planOfDefault } from '../helpers/plan.js';
import { defaultConfig } from '../../src/spec/default-config.js';
import { validateConfig } from '../../src/validate/config.js';
import { execProcess } from '../../src/commands/exec.js';
import { dirsToMake } from '../../src/state/intent.js';

const SECCOMP = { op: 'SECCOMP' as const, args: ['0', ''], what: 'load the seccomp filter' };

function plan(edit: (c: any) => void) {
  return planOfDefault(edit, { seccomp: SECCOMP }).map((o) => (o.op === 'RUN_HOOK' ? `HOOK:${o.args[0]}` : o.op));
}

function errors(edit: (c: any) => void): string[] {
  const c = defaultConfig();
  edit(c);
  return validateConfig(c, { file: 'config.json' }).errors;
}

describe('security rules of the plan and the config checks', () => {
  const hook = { startContainer: [{ path: '/bin/true' }] };

  it('with no_new_privs: startContainer hooks run after NO_NEW_PRIVS and SECCOMP, just before EXEC', () => {
    const n = plan((c) => (c.hooks = hook));
    expect(n.slice(n.indexOf('WAIT_START'))).toEqual(['WAIT_START', 'NO_NEW_PRIVS', 'SECCOMP', 'HOOK:startContainer', 'EXEC']);
  });

  it('without no_new_privs: the filter still loads before the user switch, the hooks after WAIT_START', () => {
    const n = plan((c) => {
      c.process.noNewPrivileges = false;
      c.hooks = hook;
    });
    expect(n.indexOf('SECCOMP')).toBeLessThan(n.indexOf('SETRESUID'));
    expect(n.slice(n.indexOf('WAIT_START'))).toEqual(['WAIT_START', 'HOOK:startContainer', 'EXEC']);
  });

  it('exec --cap adds to bounding, effective and permitted, never inheritable or ambient', () => {
    const p = execProcess({ command: ['sh'], cap: ['sys_admin'] }, { capabilities: { bounding: [], effective: [], permitted: [], inheritable: [], ambient: [] } });
    expect(p.capabilities).toEqual({ bounding: ['CAP_SYS_ADMIN'], effective: ['CAP_SYS_ADMIN'], permitted: ['CAP_SYS_ADMIN'], inheritable: [], ambient: [] });
  });

  it.each([
    [{ destination: '/proc', type: 'bind', source: '/tmp', options: ['rbind'] }, /\/proc can only be a mount of type proc/],
    [{ destination: '/proc', type: 'tmpfs', source: 'tmpfs' }, /\/proc can only be a mount of type proc/],
    [{ destination: '/proc/sys/kernel/domainname', type: 'bind', source: '/etc/hostname', options: ['bind'] }, /is inside \/proc/],
    [{ destination: '//proc/./self/attr/exec', type: 'bind', source: '/tmp/x', options: ['bind'] }, /\/proc\/self\/attr\/exec is inside \/proc/],
  ])('refuses a mount over /proc or in it: %j', (m, re) => {
    expect(errors((c) => c.mounts.push(m)).join('\n')).toMatch(re);
  });

  it.each([
    { destination: '/proc', type: 'proc', source: 'proc' },
    { destination: '/proc/cpuinfo', type: 'bind', source: '/var/lib/lxcfs/proc/cpuinfo', options: ['bind'] },
    { destination: '/procfoo', type: 'tmpfs', source: 'tmpfs' },
  ])('allows %j', (m) => {
    expect(errors((c) => c.mounts.push(m))).toEqual([]);
  });

  it('refuses a NUL in args, env, cwd and hook args', () => {
    expect(errors((c) => c.process.args.push('a\0b')).join('\n')).toMatch(/\/process\/args\/\d+: must not contain a NUL/);
    expect(errors((c) => c.process.env.push('A=\0')).join('\n')).toMatch(/\/process\/env\/\d+: must not contain a NUL/);
    expect(errors((c) => (c.process.cwd = '/a\0')).join('\n')).toMatch(/\/process\/cwd: must not contain a NUL/);
    expect(errors((c) => (c.hooks = { poststop: [{ path: '/bin/true', env: ['X=\0'] }] })).join('\n')).toMatch(/\/hooks\/poststop\/0\/env\/0: must not contain a NUL/);
  });

  it('dirsToMake lists every missing dir and ancestor, parents first, once', () => {
    const base = `/tmp/berth-no-such-${process.pid}`;
    expect(dirsToMake({ a: `${base}/x/y`, b: `${base}/x/z`, c: '/tmp' })).toEqual([base, `${base}/x`, `${base}/x/y`, `${base}/x/z`]);
  });
});
