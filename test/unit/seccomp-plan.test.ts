// The pure half of seccomp: linux.seccomp → compile input and flags, where the SECCOMP op goes in
// the plans, the process state the agent gets, and the validation rules.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { actionValue, seccompFilterPlan, seccompOp } from '../../src/seccomp/plan.js';
import { containerProcessState } from '../../src/seccomp/notify.js';
import { containerPlan } from '../../src/plan/container.js';
import { execPlan } from '../../src/plan/exec.js';
import { defaultConfig } from '../../src/spec/default-config.js';
import { validateConfig } from '../../src/validate/config.js';
import { keepExactSeccompValues, recordUnsafeIntegers } from '../../src/seccomp/exact-values.js';

const REPO = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const PROFILE = JSON.parse(readFileSync(`${REPO}/src/seccomp/profiles/default.json`, 'utf8'));

describe('seccomp filter plan', () => {
  it('turns actions and errnoRet into SECCOMP_RET_* values (EPERM when an errno action has none)', () => {
    expect(actionValue('SCMP_ACT_ALLOW', undefined, '/x')).toBe(0x7fff0000);
    expect(actionValue('SCMP_ACT_ERRNO', undefined, '/x')).toBe(0x00050001);
    expect(actionValue('SCMP_ACT_ERRNO', 38, '/x')).toBe(0x00050026);
    expect(actionValue('SCMP_ACT_TRACE', 7, '/x')).toBe(0x7ff00007);
    expect(actionValue('SCMP_ACT_KILL_PROCESS', undefined, '/x')).toBe(0x80000000);
    expect(actionValue('SCMP_ACT_KILL', undefined, '/x')).toBe(actionValue('SCMP_ACT_KILL_THREAD', undefined, '/x'));
    expect(actionValue('SCMP_ACT_NOTIFY', undefined, '/x')).toBe(0x7fc00000);
    expect(actionValue('SCMP_ACT_LOG', undefined, '/x')).toBe(0x7ffc0000);
    expect(actionValue('SCMP_ACT_TRAP', undefined, '/x')).toBe(0x00030000);
    expect(() => actionValue('SCMP_ACT_NOPE', undefined, '/a/b')).toThrow('/a/b: unknown seccomp action SCMP_ACT_NOPE');
    expect(() => actionValue('SCMP_ACT_KILL', 1, '/a/b')).toThrow('/a/b: SCMP_ACT_KILL takes no errno');
  });

  it('makes one rule per name, ANDs conditions on different arguments, ORs conditions on one argument', () => {
    const p = seccompFilterPlan({
      defaultAction: 'SCMP_ACT_ALLOW',
      syscalls: [
        { names: ['kill', 'tkill'], action: 'SCMP_ACT_ERRNO', errnoRet: 18, args: [{ index: 1, value: 10, op: 'SCMP_CMP_EQ' }, { index: 0, value: 1, op: 'SCMP_CMP_GT' }] },
        { names: ['personality'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 1, op: 'SCMP_CMP_EQ' }, { index: 0, value: 2, op: 'SCMP_CMP_EQ' }] },
        { names: ['clone'], action: 'SCMP_ACT_ERRNO', args: [{ index: 0, value: 0x10000000, valueTwo: 0x10000000, op: 'SCMP_CMP_MASKED_EQ' }] },
      ],
    });
    expect(p.input.rules.map((r) => [r.name, r.args.length, r.at])).toEqual([
      ['kill', 2, '/linux/seccomp/syscalls/0'],
      ['tkill', 2, '/linux/seccomp/syscalls/0'],
      ['personality', 1, '/linux/seccomp/syscalls/1'],
      ['personality', 1, '/linux/seccomp/syscalls/1'],
      ['clone', 1, '/linux/seccomp/syscalls/2'],
    ]);
    expect(p.input.rules[0]!.args).toEqual([{ index: 1, op: 4, value: 10n, valueTwo: 0n }, { index: 0, op: 6, value: 1n, valueTwo: 0n }]);
    expect(p.input.rules[0]!.action).toBe(0x00050012);
    expect(p.input.rules[4]!.args[0]).toEqual({ index: 0, op: 7, value: 0x10000000n, valueTwo: 0x10000000n });
    expect(p.notify).toBe(false);
    expect(p.flags).toBe(0);
  });

  it('leaves out rules whose action is the default (as runc), and says so', () => {
    const p = seccompFilterPlan({
      defaultAction: 'SCMP_ACT_ERRNO',
      defaultErrnoRet: 1,
      syscalls: [{ names: ['mount'], action: 'SCMP_ACT_ERRNO' }, { names: ['umount2'], action: 'SCMP_ACT_ERRNO', errnoRet: 38 }],
    });
    expect(p.input.defaultAction).toBe(0x00050001);
    expect(p.input.rules.map((r) => r.name)).toEqual(['umount2']);
    expect(p.notes).toEqual(['/linux/seccomp/syscalls/0: SCMP_ACT_ERRNO is the default action: rule not needed']);
  });

  it('notes a later rule for a syscall that already has an unconditional one (libseccomp keeps the first)', () => {
    const p = seccompFilterPlan({
      defaultAction: 'SCMP_ACT_ALLOW',
      syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_LOG' }, { names: ['mkdir', 'rmdir'], action: 'SCMP_ACT_ERRNO' }, { names: ['mkdir'], action: 'SCMP_ACT_LOG' }],
    });
    expect(p.notes).toEqual(['/linux/seccomp/syscalls/1: syscall mkdir has an unconditional rule at /linux/seccomp/syscalls/0 already: libseccomp keeps that one']);
  });

  it('maps architectures to libseccomp names and flags to seccomp(2) bits', () => {
    const p = seccompFilterPlan({
      defaultAction: 'SCMP_ACT_ALLOW',
      architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X32', 'SCMP_ARCH_MIPSEL64N32'],
      flags: ['SECCOMP_FILTER_FLAG_LOG', 'SECCOMP_FILTER_FLAG_SPEC_ALLOW'],
    });
    expect(p.input.architectures).toEqual(['x86_64', 'x32', 'mipsel64n32']);
    expect(p.flags).toBe(2 | 4);
    expect(p.flagsUsed.map((f) => f.at)).toEqual(['/linux/seccomp/flags/0', '/linux/seccomp/flags/1']);
  });

  it('asks for a listener with NOTIFY rules (TSYNC then needs TSYNC_ESRCH), drops WAIT_KILLABLE_RECV without them', () => {
    const notify = seccompFilterPlan({
      defaultAction: 'SCMP_ACT_ALLOW',
      listenerPath: '/run/agent.sock',
      flags: ['SECCOMP_FILTER_FLAG_TSYNC', 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV'],
      syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_NOTIFY' }],
    });
    expect(notify.notify).toBe(true);
    expect(notify.flags).toBe(1 | 8 | 16 | 32);
    const plain = seccompFilterPlan({ defaultAction: 'SCMP_ACT_ALLOW', flags: ['SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV'] });
    expect(plain.flags).toBe(0);
    expect(plain.notes[0]).toMatch(/WAIT_KILLABLE_RECV without SCMP_ACT_NOTIFY rules: not used/);
    expect(() => seccompFilterPlan({ defaultAction: 'SCMP_ACT_NOTIFY', listenerPath: '/x' })).toThrow(/defaultAction: SCMP_ACT_NOTIFY cannot be the default action/);
  });

  it('keeps 64-bit argument values exact when given as BigInt or decimal strings', () => {
    const p = seccompFilterPlan({
      defaultAction: 'SCMP_ACT_ALLOW',
      syscalls: [{ names: ['ioctl'], action: 'SCMP_ACT_ERRNO', args: [{ index: 1, value: '18446744073709551615', op: 'SCMP_CMP_EQ' }, { index: 2, value: 2n ** 40n, op: 'SCMP_CMP_EQ' }] }],
    });
    expect(p.input.rules[0]!.args.map((a) => a.value)).toEqual([2n ** 64n - 1n, 2n ** 40n]);
    expect(() => seccompFilterPlan({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['x'], action: 'SCMP_ACT_LOG', args: [{ index: 0, value: -1, op: 'SCMP_CMP_EQ' }] }] })).toThrow(
      '/linux/seccomp/syscalls/0/args/0/value: must be an unsigned 64-bit integer',
    );
  });

  it('config.json integers above 2^53 reach the filter exact (JSON.parse alone rounds them)', () => {
    const text = '{"linux":{"seccomp":{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["ioctl"],"action":"SCMP_ACT_ERRNO",' +
      '"args":[{"index":1,"value":18446744073709551615,"valueTwo":9007199254740993,"op":"SCMP_CMP_MASKED_EQ"},{"index":2,"value":7,"op":"SCMP_CMP_EQ"}]}]}}}';
    expect(BigInt(JSON.parse(text).linux.seccomp.syscalls[0].args[0].value)).not.toBe(2n ** 64n - 1n);
    const c = JSON.parse(text, recordUnsafeIntegers);
    keepExactSeccompValues(c);
    const p = seccompFilterPlan(c.linux.seccomp);
    expect(p.input.rules[0]!.args).toEqual([
      { index: 1, op: 7, value: 2n ** 64n - 1n, valueTwo: 2n ** 53n + 1n },
      { index: 2, op: 4, value: 7n, valueTwo: 0n },
    ]);
    // What state.json keeps for exec survives a round trip.
    expect(seccompFilterPlan(JSON.parse(JSON.stringify(c)).linux.seccomp).input.rules[0]!.args[0]!.value).toBe(2n ** 64n - 1n);
  });

  it('the default profile: about 300 rules, all allowlisted but clone3 (ENOSYS), EPERM otherwise', () => {
    const p = seccompFilterPlan(PROFILE);
    expect(p.input.rules.length).toBeGreaterThan(300);
    expect(p.input.defaultAction).toBe(0x00050001);
    const names = new Set(p.input.rules.map((r) => r.name));
    for (const n of ['read', 'write', 'execve', 'clone', 'setresuid', 'capset', 'prctl', 'accept4', 'sendmsg', 'close_range']) expect(names.has(n)).toBe(true);
    for (const n of ['mount', 'umount2', 'unshare', 'setns', 'keyctl', 'add_key', 'ptrace', 'bpf', 'kexec_load', 'reboot']) expect(names.has(n)).toBe(false);
    expect(p.input.rules.filter((r) => r.name === 'personality')).toHaveLength(5);
    expect(validateConfig({ ...defaultConfig(), linux: { ...defaultConfig().linux, seccomp: PROFILE } }).errors).toEqual([]);
  });
});

describe('where the SECCOMP op goes', () => {
  const op = seccompOp(Buffer.alloc(8), 0, false);
  const plan = (edit?: (c: any) => void) => {
    const config = defaultConfig();
    config.process.terminal = false;
    edit?.(config);
    return containerPlan({
      id: 'c1', bundle: '/b', rootfs: '/b/rootfs', config, startSocket: '/run/berth/c1/exec.sock',
      cgroupProcs: [], noPivot: false, preserveFds: 0, seccomp: op,
    }).map((o) => o.op);
  };

  it('with no_new_privs: after the user, capabilities, start and no_new_privs, right before execve', () => {
    const n = plan();
    expect(n.slice(-3)).toEqual(['NO_NEW_PRIVS', 'SECCOMP', 'EXEC']);
    expect(n.indexOf('SECCOMP')).toBeGreaterThan(n.indexOf('CAPS'));
    expect(n.indexOf('SECCOMP')).toBeGreaterThan(n.indexOf('WAIT_START'));
    expect(n.filter((o) => o === 'SECCOMP')).toHaveLength(1);
  });

  it('without no_new_privs: before the user switch and capability drop, while CAP_SYS_ADMIN is held', () => {
    const n = plan((c) => (c.process.noNewPrivileges = false));
    expect(n.indexOf('SECCOMP')).toBeLessThan(n.indexOf('CAP_BOUNDING'));
    expect(n.indexOf('SECCOMP')).toBeLessThan(n.indexOf('SETRESUID'));
    expect(n.indexOf('SECCOMP')).toBeGreaterThan(n.indexOf('PIVOT_ROOT'));
    expect(n).not.toContain('NO_NEW_PRIVS');
    expect(n.filter((o) => o === 'SECCOMP')).toHaveLength(1);
  });

  it('exec gets the container filter at the same places', () => {
    const ex = (nnp: boolean) =>
      execPlan({ initPid: 1, namespaces: [], cgroupProcs: [], process: { args: ['sh'], noNewPrivileges: nnp }, linux: {}, preserveFds: 0, seccomp: op }).map((o) => o.op);
    expect(ex(true).slice(-3)).toEqual(['NO_NEW_PRIVS', 'SECCOMP', 'EXEC']);
    const early = ex(false);
    expect(early.indexOf('SECCOMP')).toBeLessThan(early.indexOf('SETRESUID'));
    expect(early.indexOf('SECCOMP')).toBeGreaterThan(early.indexOf('CLONE'));
  });

  it('describes the op for errors, with the program as raw bytes', () => {
    const o = seccompOp(Buffer.from([1, 2, 3, 4, 5, 6, 7, 8]), 8, true);
    expect(o.args).toEqual(['8', Buffer.from([1, 2, 3, 4, 5, 6, 7, 8])]);
    expect(o.what).toBe('load the seccomp filter and hand its listener to the seccomp agent');
  });
});

describe('the container process state for the seccomp agent', () => {
  it('has the fds names, pid, metadata and the state (config-linux.md)', () => {
    const state = { ociVersion: '1.3.0', id: 'c1', status: 'creating', pid: 42, bundle: '/b' };
    expect(containerProcessState({ listenerPath: '/a', listenerMetadata: 'm=1' }, 42, state)).toEqual({
      ociVersion: '1.3.0', fds: ['seccompFd'], pid: 42, metadata: 'm=1', state,
    });
    expect(containerProcessState({ listenerPath: '/a' }, 7, state)).not.toHaveProperty('metadata');
  });
});

describe('seccomp validation', () => {
  const errors = (s: any) => {
    const c = defaultConfig();
    c.linux.seccomp = s;
    return validateConfig(c).errors;
  };
  it('names the JSON path of an unknown action, operator, architecture or flag', () => {
    expect(errors({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['mkdir'], action: 'SCMP_ACT_MAYBE' }] })[0]).toMatch(/^config\.json: \/linux\/seccomp\/syscalls\/0\/action: must be one of /);
    expect(errors({ defaultAction: 'SCMP_ACT_NOPE' })[0]).toMatch(/^config\.json: \/linux\/seccomp\/defaultAction: must be one of /);
    expect(errors({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['x'], action: 'SCMP_ACT_LOG', args: [{ index: 0, value: 1, op: 'SCMP_CMP_SOMETIMES' }] }] })[0]).toMatch(
      /^config\.json: \/linux\/seccomp\/syscalls\/0\/args\/0\/op: must be one of /,
    );
    expect(errors({ defaultAction: 'SCMP_ACT_ALLOW', architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_VAX'] })[0]).toMatch(/^config\.json: \/linux\/seccomp\/architectures\/1: must be one of /);
    expect(errors({ defaultAction: 'SCMP_ACT_ALLOW', flags: ['SECCOMP_FILTER_FLAG_FAST'] })[0]).toMatch(/^config\.json: \/linux\/seccomp\/flags\/0: must be one of /);
  });

  it('refuses NOTIFY as default action and on sendmsg, errnoRet beyond 16 bits', () => {
    expect(errors({ defaultAction: 'SCMP_ACT_NOTIFY', listenerPath: '/run/a.sock' })).toEqual([
      'config.json: /linux/seccomp/defaultAction: SCMP_ACT_NOTIFY cannot be the default action (the init could not hand over its listener)',
    ]);
    expect(errors({ defaultAction: 'SCMP_ACT_ALLOW', listenerPath: '/run/a.sock', syscalls: [{ names: ['mkdir', 'sendmsg'], action: 'SCMP_ACT_NOTIFY' }] })).toEqual([
      'config.json: /linux/seccomp/syscalls/0/names/1: SCMP_ACT_NOTIFY cannot be used for sendmsg (the init hands its listener over with it)',
    ]);
    expect(errors({ defaultAction: 'SCMP_ACT_ERRNO', defaultErrnoRet: 70000 })).toEqual(['config.json: /linux/seccomp/defaultErrnoRet: must be at most 65535']);
    expect(errors({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['x'], action: 'SCMP_ACT_ERRNO', errnoRet: 65536 }] })).toEqual([
      'config.json: /linux/seccomp/syscalls/0/errnoRet: must be at most 65535',
    ]);
  });
});
