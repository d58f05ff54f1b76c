// The cgroup v2 device program: v1's semantics (emulator) and the instructions built from them,
// run through the reference interpreter. The kernel's verifier and real opens are the VM lane's
// (test/integration/cgroups.test.ts under scripts/cgroup2-vm/run.sh).
import { describe, expect, it } from 'vitest';
import { effectiveRules, normaliseRule, type DeviceRule } from '../../src/cgroups/devices.js';
import { deviceAllowed, deviceTransition, emulateDeviceRules, parseDevicesList } from '../../src/cgroups/device-emulator.js';
import { DEV_BLOCK, DEV_CHAR, OP, accessBits, deviceProgram, encodeProgram, runDeviceProgram } from '../../src/cgroups/v2/device-program.js';
import { buildDeviceProgram } from '../../src/cgroups/v2/devices.js';

const R = (allow: boolean, type: 'a' | 'b' | 'c', major: number | undefined, minor: number | undefined, access: string): DeviceRule =>
  normaliseRule({ allow, type, major, minor, access });

describe('device emulator (v1 semantics)', () => {
  it('deny-all then allows: exceptions, merged per device', () => {
    const st = emulateDeviceRules([R(false, 'a', undefined, undefined, 'rwm'), R(true, 'c', 1, 3, 'r'), R(true, 'c', 1, 3, 'w')]);
    expect(st).toEqual({ defaultAllow: false, exceptions: [{ type: 'c', major: 1n, minor: 3n, access: 'rw' }] });
    expect(deviceAllowed(st, 'c', 1n, 3n, 'rw')).toBe(true);
    expect(deviceAllowed(st, 'c', 1n, 3n, 'm')).toBe(false);
    expect(deviceAllowed(st, 'b', 1n, 3n, 'r')).toBe(false);
  });
  it('a deny removes access only from the exception with the same numbers', () => {
    const st = emulateDeviceRules([R(true, 'c', 10, 200, 'rwm'), R(false, 'c', 10, undefined, 'w'), R(false, 'c', 10, 200, 'm')]);
    expect(st.exceptions).toEqual([{ type: 'c', major: 10n, minor: 200n, access: 'rw' }]);
    const gone = emulateDeviceRules([R(true, 'c', 10, 200, 'rw'), R(false, 'c', 10, 200, 'rwm')]);
    expect(gone.exceptions).toEqual([]);
  });
  it('one exception must grant every requested access (v1 match_exception)', () => {
    const st = emulateDeviceRules([R(true, 'c', 10, undefined, 'r'), R(true, 'c', 10, 200, 'w')]);
    expect(deviceAllowed(st, 'c', 10n, 200n, 'r')).toBe(true);
    expect(deviceAllowed(st, 'c', 10n, 200n, 'w')).toBe(true);
    expect(deviceAllowed(st, 'c', 10n, 200n, 'rw')).toBe(false);
  });
  it('type a resets to allow-all or deny-all, whatever its access says', () => {
    const st = emulateDeviceRules([R(true, 'c', 1, 3, 'rwm'), R(true, 'a', undefined, undefined, 'r'), R(false, 'b', 8, undefined, 'w')]);
    expect(st).toEqual({ defaultAllow: true, exceptions: [{ type: 'b', major: 8n, minor: undefined, access: 'w' }] });
    expect(deviceAllowed(st, 'b', 8n, 1n, 'rw')).toBe(false);
    expect(deviceAllowed(st, 'b', 8n, 1n, 'r')).toBe(true);
    expect(deviceAllowed(st, 'c', 4n, 1n, 'rwm')).toBe(true);
  });
});

describe('v1 devices.list and transitions', () => {
  it('parses a default-deny list; allow-all hides its exceptions', () => {
    expect(parseDevicesList('c 1:3 rwm\nb *:* m\nc 136:* rw\n')).toEqual({
      defaultAllow: false,
      exceptions: [{ type: 'c', major: 1n, minor: 3n, access: 'rwm' }, { type: 'b', major: undefined, minor: undefined, access: 'm' }, { type: 'c', major: 136n, minor: undefined, access: 'rw' }],
    });
    expect(parseDevicesList('')).toEqual({ defaultAllow: false, exceptions: [] });
    expect(parseDevicesList('a *:* rwm')).toBeUndefined();
  });
  it('applying the transition to the old state gives the new one', () => {
    const from = emulateDeviceRules(effectiveRules([{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 10, minor: 229, access: 'rwm' }]));
    const to = emulateDeviceRules(effectiveRules([{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 10, minor: 229, access: 'r' }, { allow: true, type: 'b', major: 8, access: 'rw' }]));
    const steps = deviceTransition(from, to);
    const after = emulateDeviceRules([R(false, 'a', undefined, undefined, 'rwm'), ...from.exceptions.map((e) => ({ allow: true, ...e })), ...steps]);
    const sort = (s: typeof to) => [...s.exceptions].sort((a, b) => `${a.type}${a.major}${a.minor}`.localeCompare(`${b.type}${b.major}${b.minor}`));
    expect(sort(after)).toEqual(sort(to));
    expect(steps.every((r) => r.type !== 'a')).toBe(true);
  });
});

describe('device program', () => {
  const TYPES: Array<['b' | 'c', number]> = [['b', DEV_BLOCK], ['c', DEV_CHAR]];
  const ACCESSES = ['r', 'w', 'm', 'rw', 'rm', 'wm', 'rwm'];
  const DEVS: Array<[number, number]> = [[1, 3], [1, 5], [1, 11], [5, 2], [8, 0], [8, 1], [10, 200], [136, 0], [136, 7], [4, 1]];

  /** The program's verdict equals the emulator's for every type, device and access. */
  function agrees(rules: DeviceRule[]): void {
    const st = emulateDeviceRules(rules);
    const prog = deviceProgram(st);
    for (const [t, tn] of TYPES) {
      for (const [maj, min] of DEVS) {
        for (const a of ACCESSES) {
          const want = deviceAllowed(st, t, BigInt(maj), BigInt(min), a) ? 1 : 0;
          expect(runDeviceProgram(prog, tn, accessBits(a), maj, min), `${t} ${maj}:${min} ${a}`).toBe(want);
        }
      }
    }
  }

  it('matches the emulator: runc defaults on deny-all', () => agrees(effectiveRules([{ allow: false, access: 'rwm' }])));
  it('matches the emulator: extra allows and denies', () =>
    agrees(effectiveRules([{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 10, minor: 200, access: 'rw' }, { allow: true, type: 'b', major: 8, access: 'r' }, { allow: false, type: 'c', major: 1, minor: 5, access: 'w' }])));
  it('matches the emulator: allow-all with deny exceptions', () =>
    agrees([R(true, 'a', undefined, undefined, 'rwm'), R(false, 'c', 10, 200, 'rw'), R(false, 'b', 8, undefined, 'm')]));
  it('matches the emulator: nothing allowed', () => agrees([R(false, 'a', undefined, undefined, 'rwm')]));

  it('defaults: null read/write allowed, tun denied, mknod of any char device allowed', () => {
    const prog = deviceProgram(emulateDeviceRules(effectiveRules([{ allow: false, access: 'rwm' }])));
    expect(runDeviceProgram(prog, DEV_CHAR, accessBits('rw'), 1, 3)).toBe(1);
    expect(runDeviceProgram(prog, DEV_CHAR, accessBits('rw'), 10, 200)).toBe(0);
    expect(runDeviceProgram(prog, DEV_CHAR, accessBits('m'), 10, 200)).toBe(1);
    expect(runDeviceProgram(prog, DEV_BLOCK, accessBits('r'), 8, 0)).toBe(0);
  });

  it('encodes struct bpf_insn little endian, jumps forward only, ends with exit', () => {
    const insns = deviceProgram(emulateDeviceRules(effectiveRules([])));
    const buf = encodeProgram(insns);
    expect(buf.length).toBe(insns.length * 8);
    // first: r2 = *(u32 *)(r1 + 0)
    expect([...buf.subarray(0, 8)]).toEqual([0x61, 0x12, 0, 0, 0, 0, 0, 0]);
    expect(buf[buf.length - 8]).toBe(OP.EXIT);
    insns.forEach((x, k) => {
      if (x.code === OP.JEQK || x.code === OP.JNEK) {
        expect(x.off).toBeGreaterThan(0);
        expect(k + 1 + x.off).toBeLessThan(insns.length);
      }
    });
    expect(buildDeviceProgram([{ allow: false, access: 'rwm' }])).toEqual(buf);
  });
});
