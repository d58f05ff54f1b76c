// The addon's libseccomp half: seccompCompile's BPF programs, run through a classic-BPF
// interpreter (test/helpers/bpf.ts) to see what they return for a syscall, seccompProbe and the
// features it feeds, and the fd-passing calls the notify hand-off uses. No root needed.
import { describe, it, expect, beforeAll } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Native, SeccompCompileInput } from '../../src/native/addon.js';
import { seccompFilterPlan } from '../../src/seccomp/plan.js';
import { seccompFeatures } from '../../src/seccomp/probe.js';
import { features } from '../../src/features/features.js';
import { validateFeatures } from '../../src/validate/features.js';
import { officialValidator } from '../helpers/official-schemas.js';
import { AUDIT_ARCH_AARCH64, AUDIT_ARCH_I386, AUDIT_ARCH_X86_64, X32_SYSCALL_BIT, runFilter } from '../helpers/bpf.js';

const REPO = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
const ADDON = join(REPO, 'build/cmake/berth.node');
const PROFILE = JSON.parse(readFileSync(`${REPO}/src/seccomp/profiles/default.json`, 'utf8'));

const ALLOW = 0x7fff0000;
const ERRNO = (e: number) => 0x00050000 | e;
const KILL_THREAD = 0;
// x86_64 syscall numbers
const NR = { read: 0, socket: 41, clone: 56, kill: 62, uname: 63, mkdir: 83, ptrace: 101, personality: 135, mount: 165, keyctl: 250, unshare: 272, getpid: 39, clone3: 435, ioctl: 16 };

let n: Native;
beforeAll(() => {
  if (!existsSync(ADDON)) throw new Error(`${ADDON} is missing: run npm run build`);
  n = createRequire(import.meta.url)(ADDON) as Native;
});

const compile = (s: any) => n.seccompCompile(seccompFilterPlan(s).input);
const x86_64 = (nr: number, args: (number | bigint)[] = []) => ({ nr, arch: AUDIT_ARCH_X86_64, args });

describe('seccompCompile (libseccomp)', () => {
  it('compiles the default profile into a program that allows ordinary work and refuses the rest with EPERM', () => {
    const { program, skippedRules } = compile(PROFILE);
    expect(program.length % 8).toBe(0);
    expect(program.length / 8).toBeGreaterThan(300);
    // Names of other architectures' syscalls (socketcall, mmap2, …) resolve through libseccomp's
    // pseudo numbers; only names it does not know at all are skipped.
    expect(skippedRules.length).toBeLessThan(20);
    for (const nr of [NR.read, NR.getpid, NR.mkdir, NR.uname, NR.kill]) expect(runFilter(program, x86_64(nr))).toBe(ALLOW);
    for (const nr of [NR.mount, NR.unshare, NR.keyctl, NR.ptrace]) expect(runFilter(program, x86_64(nr))).toBe(ERRNO(1));
    expect(runFilter(program, x86_64(NR.clone3))).toBe(ERRNO(38));
  });

  it('argument conditions: MASKED_EQ on clone flags, NE on socket families, ORed EQs on personality', () => {
    const { program } = compile(PROFILE);
    expect(runFilter(program, x86_64(NR.clone, [0x11]))).toBe(ALLOW); // SIGCHLD
    expect(runFilter(program, x86_64(NR.clone, [0x003d0f00]))).toBe(ALLOW); // pthread_create's flags
    expect(runFilter(program, x86_64(NR.clone, [0x10000011]))).toBe(ERRNO(1)); // CLONE_NEWUSER
    expect(runFilter(program, x86_64(NR.socket, [2]))).toBe(ALLOW);
    expect(runFilter(program, x86_64(NR.socket, [40]))).toBe(ERRNO(1)); // AF_VSOCK
    for (const p of [0, 8, 0x20000, 0xffffffff]) expect(runFilter(program, x86_64(NR.personality, [p]))).toBe(ALLOW);
    expect(runFilter(program, x86_64(NR.personality, [1]))).toBe(ERRNO(1));
  });

  it('covers the listed architectures and kills syscalls of others', () => {
    const { program } = compile(PROFILE);
    expect(runFilter(program, { nr: 20, arch: AUDIT_ARCH_I386 })).toBe(ALLOW); // getpid
    expect(runFilter(program, { nr: 21, arch: AUDIT_ARCH_I386 })).toBe(ERRNO(1)); // mount
    expect(runFilter(program, x86_64(NR.getpid | X32_SYSCALL_BIT))).toBe(ALLOW);
    expect(runFilter(program, { nr: 172, arch: AUDIT_ARCH_AARCH64 })).toBe(KILL_THREAD);
    const native = compile({ defaultAction: 'SCMP_ACT_ALLOW' }).program;
    expect(runFilter(native, { nr: 20, arch: AUDIT_ARCH_I386 })).toBe(KILL_THREAD);
  });

  it('a syscall newer than every one the profile names gets ENOSYS (per architecture), so libc falls back (runc does the same)', () => {
    const { program } = compile(PROFILE);
    const ENOSYS = ERRNO(38);
    expect(runFilter(program, x86_64(1000))).toBe(ENOSYS);
    expect(runFilter(program, { nr: 2000, arch: AUDIT_ARCH_I386 })).toBe(ENOSYS);
    expect(runFilter(program, { nr: X32_SYSCALL_BIT | 1000, arch: AUDIT_ARCH_X86_64 })).toBe(ENOSYS);
    // Within the profile's range, an unnamed syscall still gets the default; named ones their rule.
    expect(runFilter(program, x86_64(NR.mount))).toBe(ERRNO(1));
    expect(runFilter(program, x86_64(NR.read))).toBe(ALLOW);
    // Architectures the filter does not cover are still killed.
    expect(runFilter(program, { nr: 5000, arch: AUDIT_ARCH_AARCH64 })).toBe(KILL_THREAD);

    const small = { defaultAction: 'SCMP_ACT_ERRNO', architectures: ['SCMP_ARCH_X86_64'], syscalls: [{ names: ['getpid'], action: 'SCMP_ACT_ALLOW' }] };
    const p = compile(small).program;
    expect(runFilter(p, x86_64(NR.getpid))).toBe(ALLOW);
    expect(runFilter(p, x86_64(NR.getpid - 1))).toBe(ERRNO(1));
    expect(runFilter(p, x86_64(NR.getpid + 1))).toBe(ENOSYS);
    // x32 is not in this filter: its calls are left to libseccomp's bad-arch action, not ENOSYS.
    expect(runFilter(p, { nr: X32_SYSCALL_BIT | 1000, arch: AUDIT_ARCH_X86_64 })).not.toBe(ENOSYS);
  });

  it('no ENOSYS stub when the default allows (a newer syscall stays allowed)', () => {
    const allow = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['getpid'], action: 'SCMP_ACT_ERRNO' }] };
    const p = compile(allow).program;
    expect(runFilter(p, x86_64(1000))).toBe(ALLOW);
    expect(runFilter(p, x86_64(NR.getpid))).toBe(ERRNO(1));
  });

  it('compares all 64 bits of an argument, with every operator', () => {
    const rule = (op: string, value: bigint | number, valueTwo?: number) => ({
      defaultAction: 'SCMP_ACT_ALLOW',
      syscalls: [{ names: ['ioctl'], action: 'SCMP_ACT_ERRNO', errnoRet: 25, args: [{ index: 1, value, valueTwo, op }] }],
    });
    const hit = (s: any, v: bigint | number) => runFilter(compile(s).program, x86_64(NR.ioctl, [3, v])) === ERRNO(25);
    const big = 2n ** 40n + 5n;
    expect(hit(rule('SCMP_CMP_EQ', big), big)).toBe(true);
    expect(hit(rule('SCMP_CMP_EQ', big), 5)).toBe(false); // same low word
    expect(hit(rule('SCMP_CMP_NE', big), 5)).toBe(true);
    expect(hit(rule('SCMP_CMP_GT', big), big + 1n)).toBe(true);
    expect(hit(rule('SCMP_CMP_GT', big), big)).toBe(false);
    expect(hit(rule('SCMP_CMP_GE', big), big)).toBe(true);
    expect(hit(rule('SCMP_CMP_LT', big), 2n ** 40n)).toBe(true);
    expect(hit(rule('SCMP_CMP_LE', big), big + 1n)).toBe(false);
    expect(hit(rule('SCMP_CMP_MASKED_EQ', 0xff00, 0x5400), 0x5401)).toBe(true);
    expect(hit(rule('SCMP_CMP_MASKED_EQ', 0xff00, 0x5400), 0x5501)).toBe(false);
  });

  it('for one syscall, the first unconditional rule wins over later ones (what the plan notes)', () => {
    const rule = (action: number, args: SeccompCompileInput['rules'][0]['args'] = []) => ({ name: 'mkdir', action, args, at: '/x' });
    const ret = (rules: SeccompCompileInput['rules']) => runFilter(n.seccompCompile({ defaultAction: ALLOW, architectures: [], rules }).program, x86_64(NR.mkdir));
    expect(ret([rule(0x7ffc0000), rule(ERRNO(18))])).toBe(0x7ffc0000);
    expect(ret([rule(ERRNO(18)), rule(0x7ffc0000)])).toBe(ERRNO(18));
  });

  it('skips syscall names libseccomp does not know, and architectures it cannot name', () => {
    const input: SeccompCompileInput = {
      defaultAction: ALLOW,
      architectures: ['x86_64', 'pdp11'],
      rules: [
        { name: 'mkdir', action: ERRNO(18), args: [], at: '/linux/seccomp/syscalls/0' },
        { name: 'no_such_syscall', action: ERRNO(18), args: [], at: '/linux/seccomp/syscalls/0' },
      ],
    };
    const out = n.seccompCompile(input);
    expect(out.skippedRules).toEqual([1]);
    expect(out.skippedArchitectures).toEqual(['pdp11']);
    expect(runFilter(out.program, x86_64(NR.mkdir))).toBe(ERRNO(18));
  });

  it("throws libseccomp's errors with errno, the call and the rule's JSON path", () => {
    let err: any;
    try {
      n.seccompCompile({ defaultAction: ALLOW, architectures: [], rules: [{ name: 'mkdir', action: ERRNO(1), args: [{ index: 9, op: 4, value: 1n, valueTwo: 0n }], at: '/linux/seccomp/syscalls/3' }] });
    } catch (e) {
      err = e;
    }
    expect(err?.syscall).toBe('seccomp_rule_add');
    expect(err?.code).toBe('EINVAL');
    expect(err?.message).toContain('/linux/seccomp/syscalls/3 (mkdir)');
    expect(() => n.seccompCompile({ defaultAction: -1 } as any)).toThrow(/defaultAction must be a uint32/);
  });
});

describe('seccompProbe and features', () => {
  it('reports what the kernel accepts without loading anything', () => {
    const r = n.seccompProbe({ actions: [ALLOW, ERRNO(0), 0x12345678], flags: [1, 1 << 30], architectures: ['x86_64', 'pdp11'] });
    expect(r.actions).toEqual([true, true, false]);
    expect(r.flags).toEqual([true, false]);
    expect(r.architectures).toEqual([true, false]);
    expect(r.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('features lists real actions, operators, archs and flags; the document passes the official schema', () => {
    const sec = seccompFeatures(n) as any;
    expect(sec.enabled).toBe(true);
    expect(sec.actions).toEqual(expect.arrayContaining(['SCMP_ACT_ALLOW', 'SCMP_ACT_ERRNO', 'SCMP_ACT_KILL']));
    expect(sec.operators).toHaveLength(7);
    expect(sec.archs).toEqual(expect.arrayContaining(['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']));
    expect(sec.knownFlags).toHaveLength(4);
    expect(sec.knownFlags).toEqual(expect.arrayContaining(sec.supportedFlags));
    const doc: any = features();
    doc.linux.seccomp = sec;
    expect(validateFeatures(doc)).toEqual({ errors: [], warnings: [] });
    expect(officialValidator('features')(doc)).toBe(true);
  });
});

describe('fd messages (the listener hand-off)', () => {
  it('sendFdMessage carries data and an fd; recvFdMessage gets both', () => {
    const [a, b] = n.socketPair();
    const [c, d] = n.socketPair();
    try {
      n.sendFdMessage(a, c, JSON.stringify({ fds: ['seccompFd'] }));
      const got = n.recvFdMessage(b, 1000);
      expect(JSON.parse(got.data.toString())).toEqual({ fds: ['seccompFd'] });
      expect(got.fd).toBeGreaterThan(2);
      // The received fd is the same socket: what goes in at d comes out of it.
      n.syncSend(d, 'ping');
      expect(n.syncRecv(got.fd, 1000)).toBe('ping');
      n.closeFd(got.fd);
      // syncRecv appends the number of an fd that came with a datagram.
      n.sendFdMessage(a, c, 'seccomp');
      const msg = n.syncRecv(b, 1000)!;
      expect(msg).toMatch(/^seccomp\t\d+$/);
      n.closeFd(Number(msg.split('\t')[1]));
    } finally {
      for (const fd of [a, b, c, d]) n.closeFd(fd);
    }
  });
});
