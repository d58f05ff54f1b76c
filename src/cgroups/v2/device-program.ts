/**
 * The cgroup v2 device program: the emulated v1 state (../device-emulator.ts) compiled to a
 * BPF_PROG_TYPE_CGROUP_DEVICE program, as raw `struct bpf_insn`s (8 bytes each, little endian)
 * that the addon loads and attaches (attachDeviceProgram). Pure: unit-tested by running the
 * instructions through a small interpreter (test/unit/cgroups-device-program.test.ts) and in the
 * VM lane against the kernel's verifier and real opens.
 *
 * The program reads struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; }, where
 * access_type = access << 16 | type (type: 1 block, 2 char; access: 1 mknod, 2 read, 4 write),
 * and returns 1 (allow) or 0 (deny):
 *
 *   r2 = type; r3 = access; r4 = major; r5 = minor
 *   for each exception: if type/major/minor match:
 *     default deny:  if (r3 & ~granted) == 0 return 1
 *     default allow: if (r3 & denied) != 0 return 0
 *   return default
 */
import type { DeviceState } from '../device-emulator.js';

export const DEV_BLOCK = 1;
export const DEV_CHAR = 2;
export const ACC_MKNOD = 1;
export const ACC_READ = 2;
export const ACC_WRITE = 4;

export interface Insn {
  code: number;
  dst: number;
  src: number;
  off: number;
  imm: number;
}

// Opcodes (linux/bpf_common.h, linux/bpf.h).
export const OP = {
  LDXW: 0x61, // BPF_LDX | BPF_MEM | BPF_W
  AND64K: 0x57, // BPF_ALU64 | BPF_AND | BPF_K
  RSH64K: 0x77,
  MOV64K: 0xb7,
  MOV64X: 0xbf,
  JEQK: 0x15, // BPF_JMP | BPF_JEQ | BPF_K
  JNEK: 0x55,
  EXIT: 0x95,
} as const;

const i = (code: number, dst = 0, src = 0, off = 0, imm = 0): Insn => ({ code, dst, src, off, imm });

export function accessBits(access: string): number {
  return (access.includes('m') ? ACC_MKNOD : 0) | (access.includes('r') ? ACC_READ : 0) | (access.includes('w') ? ACC_WRITE : 0);
}

function u32Imm(n: bigint, what: string): number {
  if (n < 0n || n > 0x7fffffffn) throw new RangeError(`device ${what} ${n} is out of range`);
  return Number(n);
}

/** The instructions for a state. */
export function deviceProgram(st: DeviceState): Insn[] {
  const out: Insn[] = [
    i(OP.LDXW, 2, 1, 0), // r2 = ctx->access_type
    i(OP.AND64K, 2, 0, 0, 0xffff), // r2 = type
    i(OP.LDXW, 3, 1, 0), // r3 = ctx->access_type
    i(OP.RSH64K, 3, 0, 0, 16), // r3 = access
    i(OP.LDXW, 4, 1, 4), // r4 = ctx->major
    i(OP.LDXW, 5, 1, 8), // r5 = ctx->minor
  ];
  for (const e of st.exceptions) {
    const block: Insn[] = [];
    const checks: Array<[number, number]> = [[2, e.type === 'b' ? DEV_BLOCK : DEV_CHAR]];
    if (e.major !== undefined) checks.push([4, u32Imm(e.major, 'major')]);
    if (e.minor !== undefined) checks.push([5, u32Imm(e.minor, 'minor')]);
    const bits = accessBits(e.access);
    // after the checks: r0 = r3 & mask; test; r0 = verdict; exit  (5 instructions)
    const tail: Insn[] = st.defaultAllow
      ? [i(OP.MOV64X, 0, 3), i(OP.AND64K, 0, 0, 0, bits), i(OP.JEQK, 0, 0, 2, 0), i(OP.MOV64K, 0, 0, 0, 0), i(OP.EXIT)]
      : [i(OP.MOV64X, 0, 3), i(OP.AND64K, 0, 0, 0, ~bits & 0x7), i(OP.JNEK, 0, 0, 2, 0), i(OP.MOV64K, 0, 0, 0, 1), i(OP.EXIT)];
    checks.forEach(([reg, imm], k) => {
      const rest = (checks.length - k - 1) + tail.length; // instructions after this jump in the block
      block.push(i(OP.JNEK, reg, 0, rest, imm));
    });
    out.push(...block, ...tail);
  }
  out.push(i(OP.MOV64K, 0, 0, 0, st.defaultAllow ? 1 : 0), i(OP.EXIT));
  return out;
}

/** struct bpf_insn encoding: u8 code, u8 dst:4 src:4, s16 off, s32 imm (little endian). */
export function encodeProgram(insns: Insn[]): Buffer {
  const b = Buffer.alloc(insns.length * 8);
  insns.forEach((x, k) => {
    b.writeUInt8(x.code, k * 8);
    b.writeUInt8((x.src << 4) | x.dst, k * 8 + 1);
    b.writeInt16LE(x.off, k * 8 + 2);
    b.writeInt32LE(x.imm, k * 8 + 4);
  });
  return b;
}

/**
 * A tiny interpreter of exactly the opcodes above, for tests: runs the program on one request
 * and returns its verdict (1 allow, 0 deny).
 */
export function runDeviceProgram(insns: Insn[], type: number, access: number, major: number, minor: number): number {
  const ctx = [((access << 16) | type) >>> 0, major >>> 0, minor >>> 0];
  const r = new Array<bigint>(11).fill(0n);
  const M = (1n << 64n) - 1n;
  const sx = (imm: number) => BigInt.asUintN(64, BigInt(imm));
  for (let pc = 0; pc < insns.length; pc++) {
    const x = insns[pc]!;
    switch (x.code) {
      case OP.LDXW: r[x.dst] = BigInt(ctx[(x.off >> 2)]!); break;
      case OP.AND64K: r[x.dst] = r[x.dst]! & sx(x.imm); break;
      case OP.RSH64K: r[x.dst] = (r[x.dst]! >> BigInt(x.imm)) & M; break;
      case OP.MOV64K: r[x.dst] = sx(x.imm); break;
      case OP.MOV64X: r[x.dst] = r[x.src]!; break;
      case OP.JEQK: if (r[x.dst] === sx(x.imm)) pc += x.off; break;
      case OP.JNEK: if (r[x.dst] !== sx(x.imm)) pc += x.off; break;
      case OP.EXIT: return Number(r[0]);
      default: throw new Error(`unknown opcode ${x.code}`);
    }
  }
  throw new Error('fell off the end of the program');
}
