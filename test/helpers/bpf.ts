// A classic-BPF interpreter for seccomp programs (struct sock_filter arrays over struct
// seccomp_data), so unit tests can ask what a compiled filter returns for a syscall without
// loading it into a kernel.

export const AUDIT_ARCH_X86_64 = 0xc000003e;
export const AUDIT_ARCH_I386 = 0x40000003;
export const AUDIT_ARCH_AARCH64 = 0xc00000b7;
export const X32_SYSCALL_BIT = 0x40000000;

export interface SeccompData {
  nr: number;
  arch: number;
  args?: (bigint | number)[];
}

/** struct seccomp_data, little-endian: nr, arch, instruction_pointer, args[6]. */
function dataBytes(d: SeccompData): Buffer {
  const b = Buffer.alloc(64);
  b.writeInt32LE(d.nr, 0);
  b.writeUInt32LE(d.arch >>> 0, 4);
  (d.args ?? []).forEach((a, i) => b.writeBigUInt64LE(BigInt.asUintN(64, BigInt(a)), 16 + 8 * i));
  return b;
}

/** Runs the program; returns the SECCOMP_RET_* value (action | data). Throws on what seccomp forbids. */
export function runFilter(program: Buffer, d: SeccompData): number {
  if (program.length % 8 !== 0) throw new Error('program is not a sock_filter array');
  const data = dataBytes(d);
  const mem = new Uint32Array(16);
  let A = 0;
  let X = 0;
  const n = program.length / 8;
  for (let pc = 0, steps = 0; pc < n; pc++, steps++) {
    if (steps > 100_000) throw new Error('runaway program');
    const code = program.readUInt16LE(pc * 8);
    const jt = program.readUInt8(pc * 8 + 2);
    const jf = program.readUInt8(pc * 8 + 3);
    const k = program.readUInt32LE(pc * 8 + 4);
    const cls = code & 0x07;
    const src = code & 0x08 ? X : k;
    switch (cls) {
      case 0x00: // LD
        switch (code & 0xe0) {
          case 0x00: A = k; break;
          case 0x20: // ABS, 32-bit words only in seccomp
            if ((code & 0x18) !== 0x00 || k % 4 !== 0 || k + 4 > 64) throw new Error(`bad load at ${pc}`);
            A = data.readUInt32LE(k);
            break;
          case 0x60: A = mem[k]!; break;
          case 0x80: A = 64; break;
          default: throw new Error(`bad LD mode at ${pc}`);
        }
        break;
      case 0x01: // LDX
        switch (code & 0xe0) {
          case 0x00: X = k; break;
          case 0x60: X = mem[k]!; break;
          case 0x80: X = 64; break;
          default: throw new Error(`bad LDX mode at ${pc}`);
        }
        break;
      case 0x02: mem[k] = A; break;
      case 0x03: mem[k] = X; break;
      case 0x04: { // ALU
        const op = code & 0xf0;
        const v = src >>> 0;
        switch (op) {
          case 0x00: A = (A + v) >>> 0; break;
          case 0x10: A = (A - v) >>> 0; break;
          case 0x20: A = Math.imul(A, v) >>> 0; break;
          case 0x30: if (v === 0) return 0; A = Math.floor(A / v) >>> 0; break;
          case 0x40: A = (A | v) >>> 0; break;
          case 0x50: A = (A & v) >>> 0; break;
          case 0x60: A = v >= 32 ? 0 : (A << v) >>> 0; break;
          case 0x70: A = v >= 32 ? 0 : A >>> v; break;
          case 0x80: A = -A >>> 0; break;
          case 0x90: if (v === 0) return 0; A = (A % v) >>> 0; break;
          case 0xa0: A = (A ^ v) >>> 0; break;
          default: throw new Error(`bad ALU op at ${pc}`);
        }
        break;
      }
      case 0x05: { // JMP
        const op = code & 0xf0;
        const v = src >>> 0;
        if (op === 0x00) { pc += k; break; }
        const a = A >>> 0;
        const taken = op === 0x10 ? a === v : op === 0x20 ? a > v : op === 0x30 ? a >= v : op === 0x40 ? (a & v) !== 0 : undefined;
        if (taken === undefined) throw new Error(`bad JMP op at ${pc}`);
        pc += taken ? jt : jf;
        break;
      }
      case 0x06: return ((code & 0x18) === 0x10 ? A : k) >>> 0;
      case 0x07: if (code & 0x80) A = X; else X = A; break;
    }
  }
  throw new Error('program fell off its end');
}
