/**
 * The D-Bus wire format (little-endian), just what the systemd driver needs: marshal method
 * calls, unmarshal replies. Pure (unit-tested). Values in JS: y/n/q/u/i/h/d numbers, t/x bigint (numbers
 * accepted), b boolean, s/o/g strings, a(...) arrays, (...) arrays of fields, v a [sig, value]
 * pair, a{..} arrays of [key, value].
 */

export type DbusValue = number | bigint | boolean | string | DbusValue[] | Variant;
export type Variant = { sig: string; value: DbusValue };

export const variant = (sig: string, value: DbusValue): Variant => ({ sig, value });

/** End index (exclusive) of the single complete type starting at sig[i]. */
export function typeEnd(sig: string, i: number): number {
  const c = sig[i];
  if (c === 'a') return typeEnd(sig, i + 1);
  if (c === '(' || c === '{') {
    const close = c === '(' ? ')' : '}';
    let j = i + 1;
    while (sig[j] !== close) {
      if (j >= sig.length) throw new Error(`dbus: bad signature ${sig}`);
      j = typeEnd(sig, j);
    }
    return j + 1;
  }
  if (c === undefined || !'ybnqiuxtdsogvh'.includes(c)) throw new Error(`dbus: bad signature ${sig}`);
  return i + 1;
}

/** The single complete types of a signature. */
export function splitSig(sig: string): string[] {
  const out: string[] = [];
  for (let i = 0; i < sig.length; ) {
    const e = typeEnd(sig, i);
    out.push(sig.slice(i, e));
    i = e;
  }
  return out;
}

function alignOf(t: string): number {
  switch (t[0]) {
    case 'y': case 'g': case 'v': return 1;
    case 'n': case 'q': return 2;
    case 't': case 'x': case 'd': case '(': case '{': return 8;
    default: return 4;
  }
}

export class Writer {
  private buf = Buffer.alloc(256);
  len = 0;

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const b = Buffer.alloc(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(b, 0, 0, this.len);
    this.buf = b;
  }

  align(n: number): void {
    const pad = (n - (this.len % n)) % n;
    this.ensure(pad);
    this.buf.fill(0, this.len, this.len + pad);
    this.len += pad;
  }

  u8(v: number): void {
    this.ensure(1);
    this.buf.writeUInt8(v, this.len++);
  }

  u32(v: number): void {
    this.align(4);
    this.ensure(4);
    this.buf.writeUInt32LE(v >>> 0, this.len);
    this.len += 4;
  }

  private str(s: string, short: boolean): void {
    const b = Buffer.from(s, 'utf8');
    if (short) this.u8(b.length);
    else this.u32(b.length);
    this.ensure(b.length + 1);
    b.copy(this.buf, this.len);
    this.len += b.length;
    this.buf.writeUInt8(0, this.len++);
  }

  write(t: string, v: DbusValue): void {
    switch (t[0]) {
      case 'y': this.u8(Number(v)); return;
      case 'b': this.u32(v ? 1 : 0); return;
      case 'u': case 'h': this.u32(Number(v)); return;
      case 'n': case 'q': this.align(2); this.ensure(2); if (t[0] === 'n') this.buf.writeInt16LE(Number(v), this.len); else this.buf.writeUInt16LE(Number(v), this.len); this.len += 2; return;
      case 'd': this.align(8); this.ensure(8); this.buf.writeDoubleLE(Number(v), this.len); this.len += 8; return;
      case 'i': this.align(4); this.ensure(4); this.buf.writeInt32LE(Number(v), this.len); this.len += 4; return;
      case 't': this.align(8); this.ensure(8); this.buf.writeBigUInt64LE(BigInt(v as number | bigint), this.len); this.len += 8; return;
      case 'x': this.align(8); this.ensure(8); this.buf.writeBigInt64LE(BigInt(v as number | bigint), this.len); this.len += 8; return;
      case 's': case 'o': this.str(String(v), false); return;
      case 'g': this.str(String(v), true); return;
      case 'v': {
        const va = v as Variant;
        this.str(va.sig, true);
        this.write(va.sig, va.value);
        return;
      }
      case 'a': {
        const elem = t.slice(1);
        this.u32(0);
        const lenAt = this.len - 4;
        this.align(alignOf(elem));
        const start = this.len;
        for (const e of v as DbusValue[]) this.write(elem, e);
        this.buf.writeUInt32LE(this.len - start, lenAt);
        return;
      }
      case '(': case '{': {
        this.align(8);
        const fields = splitSig(t.slice(1, -1));
        const vs = v as DbusValue[];
        fields.forEach((f, k) => this.write(f, vs[k]!));
        return;
      }
      default:
        throw new Error(`dbus: cannot marshal type ${t}`);
    }
  }

  bytes(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}

export class Reader {
  constructor(private readonly buf: Buffer, public pos = 0) {}

  align(n: number): void {
    this.pos += (n - (this.pos % n)) % n;
  }

  private need(n: number): void {
    if (this.pos + n > this.buf.length) throw new Error('dbus: message truncated');
  }

  u32(): number {
    this.align(4);
    this.need(4);
    const v = this.buf.readUInt32LE(this.pos);
    this.pos += 4;
    return v;
  }

  private str(short: boolean): string {
    let n: number;
    if (short) {
      this.need(1);
      n = this.buf.readUInt8(this.pos++);
    } else n = this.u32();
    this.need(n + 1);
    const s = this.buf.toString('utf8', this.pos, this.pos + n);
    this.pos += n + 1;
    return s;
  }

  read(t: string): DbusValue {
    switch (t[0]) {
      case 'y': this.need(1); return this.buf.readUInt8(this.pos++);
      case 'b': return this.u32() !== 0;
      case 'u': return this.u32();
      case 'i': { this.align(4); this.need(4); const v = this.buf.readInt32LE(this.pos); this.pos += 4; return v; }
      case 'n': case 'q': { this.align(2); this.need(2); const v = t[0] === 'n' ? this.buf.readInt16LE(this.pos) : this.buf.readUInt16LE(this.pos); this.pos += 2; return v; }
      case 't': { this.align(8); this.need(8); const v = this.buf.readBigUInt64LE(this.pos); this.pos += 8; return v; }
      case 'x': { this.align(8); this.need(8); const v = this.buf.readBigInt64LE(this.pos); this.pos += 8; return v; }
      case 'd': { this.align(8); this.need(8); const v = this.buf.readDoubleLE(this.pos); this.pos += 8; return v; }
      case 'h': return this.u32();
      case 's': case 'o': return this.str(false);
      case 'g': return this.str(true);
      case 'v': {
        const sig = this.str(true);
        return variant(sig, this.read(sig));
      }
      case 'a': {
        const elem = t.slice(1);
        const n = this.u32();
        this.align(alignOf(elem));
        const end = this.pos + n;
        const out: DbusValue[] = [];
        while (this.pos < end) out.push(this.read(elem));
        return out;
      }
      case '(': case '{': {
        this.align(8);
        return splitSig(t.slice(1, -1)).map((f) => this.read(f));
      }
      default:
        throw new Error(`dbus: cannot unmarshal type ${t}`);
    }
  }
}

export const MSG_METHOD_CALL = 1;
export const MSG_METHOD_RETURN = 2;
export const MSG_ERROR = 3;
export const MSG_SIGNAL = 4;

export interface Call {
  path: string;
  iface: string;
  member: string;
  destination?: string;
  signature?: string;
  args?: DbusValue[];
}

/** A method call message with this serial. */
export function encodeCall(c: Call, serial: number): Buffer {
  const body = new Writer();
  const sig = c.signature ?? '';
  splitSig(sig).forEach((t, k) => body.write(t, c.args![k]!));
  const fields: DbusValue[] = [
    [1, variant('o', c.path)],
    [2, variant('s', c.iface)],
    [3, variant('s', c.member)],
  ];
  if (c.destination) fields.push([6, variant('s', c.destination)]);
  if (sig) fields.push([8, variant('g', sig)]);
  const w = new Writer();
  w.u8('l'.charCodeAt(0));
  w.u8(MSG_METHOD_CALL);
  w.u8(0);
  w.u8(1);
  w.u32(body.len);
  w.u32(serial);
  w.write('a(yv)', fields);
  w.align(8);
  return Buffer.concat([w.bytes(), body.bytes()]);
}

export interface Message {
  type: number;
  serial: number;
  replySerial?: number;
  errorName?: string;
  signature: string;
  body: DbusValue[];
}

/** The length of the whole message at the start of buf, or undefined while under 16 bytes. */
export function messageLength(buf: Buffer): number | undefined {
  if (buf.length < 16) return undefined;
  if (buf[0] !== 'l'.charCodeAt(0)) throw new Error('dbus: big-endian messages are not supported');
  const bodyLen = buf.readUInt32LE(4);
  const fieldsLen = buf.readUInt32LE(12);
  return 16 + fieldsLen + ((8 - (fieldsLen % 8)) % 8) + bodyLen;
}

export function decodeMessage(buf: Buffer): Message {
  const r = new Reader(buf, 0);
  const type = buf.readUInt8(1);
  const serial = buf.readUInt32LE(8);
  r.pos = 12;
  const fields = r.read('a(yv)') as [number, Variant][];
  r.align(8);
  const m: Message = { type, serial, signature: '', body: [] };
  for (const [code, v] of fields) {
    if (code === 4) m.errorName = String(v.value);
    else if (code === 5) m.replySerial = Number(v.value);
    else if (code === 8) m.signature = String(v.value);
  }
  const body = new Reader(buf.subarray(r.pos), 0);
  m.body = splitSig(m.signature).map((t) => body.read(t));
  return m;
}
