import { Op, type PlanOp } from './ops.js';

const MAGIC = Buffer.from('BPLN', 'latin1');
const VERSION = 1;

/** Serialise a plan into the wire format of docs/PLAN-FORMAT.md. Pure. */
export function encodePlan(ops: readonly PlanOp[]): Buffer {
  const parts: Buffer[] = [];
  const head = Buffer.alloc(12);
  MAGIC.copy(head, 0);
  head.writeUInt32LE(VERSION, 4);
  head.writeUInt32LE(ops.length, 8);
  parts.push(head);
  for (const step of ops) {
    if (step.args.length > 0xffff) throw new Error(`plan: too many arguments for ${step.op}`);
    const opHead = Buffer.alloc(4);
    opHead.writeUInt16LE(Op[step.op], 0);
    opHead.writeUInt16LE(step.args.length, 2);
    parts.push(opHead);
    for (const arg of step.args) {
      const bytes = typeof arg === 'string' ? Buffer.from(arg, 'utf8') : arg;
      const len = Buffer.alloc(4);
      len.writeUInt32LE(bytes.length, 0);
      parts.push(len, bytes);
    }
  }
  return Buffer.concat(parts);
}

/** Inverse of encodePlan, for tests and `--debug` dumps. */
export function decodePlan(buf: Buffer): { code: number; args: Buffer[] }[] {
  if (buf.length < 12 || !buf.subarray(0, 4).equals(MAGIC)) throw new Error('plan: bad magic');
  if (buf.readUInt32LE(4) !== VERSION) throw new Error('plan: bad version');
  const count = buf.readUInt32LE(8);
  const out: { code: number; args: Buffer[] }[] = [];
  let off = 12;
  for (let i = 0; i < count; i++) {
    const code = buf.readUInt16LE(off);
    const argc = buf.readUInt16LE(off + 2);
    off += 4;
    const args: Buffer[] = [];
    for (let j = 0; j < argc; j++) {
      const len = buf.readUInt32LE(off);
      off += 4;
      args.push(buf.subarray(off, off + len));
      off += len;
    }
    out.push({ code, args });
  }
  if (off !== buf.length) throw new Error('plan: trailing bytes');
  return out;
}
