/**
 * GVariant text format (https://docs.gtk.org/glib/gvariant-text-format.html) → a D-Bus variant,
 * for the values of `org.systemd.property.*` annotations. The rules are those of godbus's
 * ParseVariant, which runc uses for them, so a value runc takes means the same here:
 * - numbers: `123` (untyped: int32), `1.5` / `1e3` (double), a type word before it (`byte`,
 *   `int16`, `uint16`, `int32`, `uint32`, `int64`, `uint64`, `double`) or `@T`; `0x` hex and a
 *   leading `0` octal;
 * - strings `'...'` or `"..."` with C escapes and \uXXXX / \UXXXXXXXX (typed `objectpath`,
 *   `signature` or `@o`/`@g` for those types); `true`/`false`; byte strings `b'...'` (ay, NUL
 *   appended);
 * - arrays `[a, b]` (element type: what all elements can be, else the first element's), dicts
 *   `{k: v}`, variants `<v>`; `@as []` gives an empty array its type.
 * Pure; errors are Errors with a short reason.
 */
import { typeEnd, variant, type DbusValue, type Variant } from './dbus/wire.js';

const TYPE_WORDS: Record<string, string> = {
  boolean: 'b', byte: 'y', int16: 'n', uint16: 'q', int32: 'i', uint32: 'u', int64: 'x', uint64: 't',
  double: 'd', string: 's', objectpath: 'o', signature: 'g',
};
const NUMERIC = ['y', 'n', 'q', 'i', 'u', 'x', 't', 'd'];
const STRINGS = ['s', 'g', 'o'];

type Tok =
  | { t: 'num' | 'str' | 'bool' | 'bytes' | 'type'; v: string }
  | { t: '[' | ']' | '{' | '}' | '<' | '>' | ':' | ',' | 'eof' };

function lex(s: string): Tok[] {
  const out: Tok[] = [];
  let i = 0;
  const quoted = (start: number): number => {
    const q = s[start];
    for (let j = start + 1; j < s.length; j++) {
      if (s[j] === '\\') j++;
      else if (s[j] === q) return j + 1;
    }
    throw new Error(s[start - 1] === 'b' ? 'unterminated bytestring' : 'unterminated string');
  };
  while (i < s.length) {
    const c = s[i]!;
    if ('[]{}<>:,'.includes(c)) {
      out.push({ t: c as '[' });
      i++;
    } else if (/\s/.test(c)) i++;
    else if (c === "'" || c === '"') {
      const e = quoted(i);
      out.push({ t: 'str', v: s.slice(i, e) });
      i = e;
    } else if (/[0-9+-]/.test(c)) {
      const m = /^[+-]?(?:0x[0-9a-fA-F]*|0[0-7]*|[0-9]*)(?:\.[0-9a-fA-F]*)?(?:[eE][+-]?[0-9]*)?/.exec(s.slice(i))!;
      if (/^\p{L}/u.test(s.slice(i + m[0].length))) throw new Error(`bad number syntax: ${JSON.stringify(s.slice(i, i + m[0].length + 1))}`);
      out.push({ t: 'num', v: m[0] });
      i += m[0].length;
    } else if (c === 'b' && (s[i + 1] === "'" || s[i + 1] === '"')) {
      const e = quoted(i + 1);
      out.push({ t: 'bytes', v: s.slice(i + 2, e - 1) });
      i = e;
    } else if (s.startsWith('true', i) || s.startsWith('false', i)) {
      const v = s.startsWith('true', i) ? 'true' : 'false';
      out.push({ t: 'bool', v });
      i += v.length;
    } else {
      const word = /^\S*/.exec(s.slice(i))![0];
      if (word.startsWith('@')) {
        checkSignature(word.slice(1));
        out.push({ t: 'type', v: word.slice(1) });
      } else if (Object.hasOwn(TYPE_WORDS, word)) out.push({ t: 'type', v: TYPE_WORDS[word]! });
      else throw new Error(`unrecognized type ${JSON.stringify(word)}`);
      i += word.length;
    }
  }
  out.push({ t: 'eof' });
  return out;
}

function checkSignature(sig: string): void {
  if (sig === '' || typeEnd(sig, 0) !== sig.length) throw new Error(`invalid signature ${JSON.stringify(sig)}`);
}

/** A parsed value whose D-Bus type may still be open (an untyped number fits several). */
interface Node {
  /** The types it can take; empty: no information (an empty array or dict). */
  sigs(): Set<string>;
  /** The type chosen when the context does not say. */
  infer(): string;
  value(sig: string): DbusValue;
  text: string;
}

const typeError = (text: string, sig: string) => new Error(`can't parse ${JSON.stringify(text)} as type ${JSON.stringify(sig)}`);

function numberAs(text: string, sig: string): DbusValue {
  if (sig === 'd') {
    const v = Number(text);
    if (text === '' || Number.isNaN(v)) throw new Error(`invalid double ${JSON.stringify(text)}`);
    return v;
  }
  const bits = ({ y: 8, n: 16, q: 16, i: 32, u: 32, x: 64, t: 64 } as Record<string, number>)[sig];
  if (bits === undefined) throw typeError(text, sig);
  const unsigned = 'yqut'.includes(sig);
  let s = text;
  let base = 10;
  if (s.startsWith('0x')) [s, base] = [s.slice(2), 16];
  if (s.startsWith('0') && s.length !== 1) [s, base] = [s.slice(1), 8];
  const digits = base === 16 ? /^[+-]?[0-9a-fA-F]+$/ : base === 8 ? /^[+-]?[0-7]+$/ : /^[+-]?[0-9]+$/;
  if (!digits.test(s) || (unsigned && s.startsWith('-'))) throw new Error(`invalid number ${JSON.stringify(text)} for type ${sig}`);
  const neg = s.startsWith('-');
  const mag = BigInt((base === 16 ? '0x' : base === 8 ? '0o' : '') + s.replace(/^[+-]/, ''));
  const v = neg ? -mag : mag;
  const [min, max] = unsigned ? [0n, 2n ** BigInt(bits) - 1n] : [-(2n ** BigInt(bits - 1)), 2n ** BigInt(bits - 1) - 1n];
  if (v < min || v > max) throw new Error(`value out of range: ${JSON.stringify(text)} for type ${sig}`);
  return bits === 64 ? v : Number(v);
}

function unescape(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\') {
      out += c;
      continue;
    }
    const e = body[++i];
    const hex = (n: number) => {
      const h = body.slice(i + 1, i + 1 + n);
      if (h.length < n || !/^[0-9a-fA-F]+$/.test(h)) throw new Error('short unicode escape');
      i += n;
      return String.fromCodePoint(parseInt(h, 16));
    };
    const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', '\n': '' };
    if (e === undefined) break;
    else if (Object.hasOwn(simple, e)) out += simple[e];
    else if (e === 'u') out += hex(4);
    else if (e === 'U') out += hex(8);
    else out += e;
  }
  return out;
}

function byteString(body: string): number[] {
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    if (body[i] !== '\\') {
      out.push(...Buffer.from(body[i]!, 'utf8'));
      continue;
    }
    const e = body[++i];
    const simple: Record<string, number> = { a: 7, b: 8, f: 12, n: 10, r: 13, t: 9 };
    if (e !== undefined && Object.hasOwn(simple, e)) out.push(simple[e]!);
    else if (e === 'x' || e === '0') {
      const n = e === 'x' ? 2 : 3;
      const d = body.slice(i + 1, i + 1 + n);
      if (d.length < n) throw new Error('short escape');
      const v = parseInt(d, e === 'x' ? 16 : 8);
      if (Number.isNaN(v) || v > 255) throw new Error(`invalid escape \\${e}${d}`);
      out.push(v);
      i += n;
    } else if (e !== undefined) out.push(e.charCodeAt(0));
  }
  return [...out, 0];
}

function intersect(a: Set<string>, b: Set<string>): Set<string> {
  return new Set([...a].filter((x) => b.has(x)));
}

/** The one type of a node when only one fits, else its inferred one. */
function chosen(n: Node): string {
  const s = n.sigs();
  return s.size === 1 ? [...s][0]! : n.infer();
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Tok[]) {}

  private next(): Tok {
    return this.toks[this.i++] ?? { t: 'eof' };
  }

  private peek(): Tok {
    return this.toks[this.i] ?? { t: 'eof' };
  }

  /** Nothing may follow the value (godbus ignores what does; berth refuses it). */
  end(): void {
    const t = this.next();
    if (t.t !== 'eof') throw new Error(`unexpected ${JSON.stringify('v' in t ? t.v : t.t)} after the value`);
  }

  node(): Node {
    let sig = '';
    for (;;) {
      const tok = this.next();
      switch (tok.t) {
        case 'eof':
          throw new Error('unexpected end of input');
        case 'type':
          if (sig) throw new Error('unexpected type annotation');
          sig = tok.v;
          continue;
        case 'num':
          return this.num(tok.v, sig);
        case 'str':
          return this.str(unescape(tok.v.slice(1, -1)), sig);
        case 'bool': {
          if (sig && sig !== 'b') throw typeError(tok.v, sig);
          const b = tok.v === 'true';
          return { text: tok.v, sigs: () => new Set(['b']), infer: () => 'b', value: (s) => (s === 'b' ? b : fail(typeError(tok.v, s))) };
        }
        case 'bytes': {
          if (sig && sig !== 'ay') throw typeError(tok.v, sig);
          const bytes = byteString(tok.v);
          return { text: tok.v, sigs: () => new Set(['ay']), infer: () => 'ay', value: (s) => (s === 'ay' ? bytes : fail(typeError(tok.v, s))) };
        }
        case '[':
          return this.array(sig);
        case '<':
          return this.variant(sig);
        case '{':
          return this.dict(sig);
        default:
          throw new Error(`unexpected ${JSON.stringify(tok.t)}`);
      }
    }
  }

  private num(text: string, sig: string): Node {
    if (sig) {
      const v = numberAs(text, sig);
      return { text, sigs: () => new Set([sig]), infer: () => sig, value: (s) => (s === sig ? v : fail(typeError(text, s))) };
    }
    const float = /[.e]/.test(text);
    return { text, sigs: () => new Set(float ? ['d'] : NUMERIC), infer: () => (float ? 'd' : 'i'), value: (s) => numberAs(text, s) };
  }

  private str(v: string, sig: string): Node {
    if (sig && !STRINGS.includes(sig)) throw new Error(`invalid type ${JSON.stringify(sig)} for string`);
    const text = v;
    return {
      text,
      sigs: () => new Set(sig ? [sig] : STRINGS),
      infer: () => sig || 's',
      value: (s) => ((sig ? s === sig : STRINGS.includes(s)) ? v : fail(typeError(text, s))),
    };
  }

  /** Elements separated by commas up to `close`; each read by `item`. */
  private list(close: ']' | '}', item: () => void): void {
    if (this.peek().t === close) {
      this.next();
      return;
    }
    for (;;) {
      item();
      const t = this.next();
      if (t.t === close) return;
      if (t.t !== ',') throw new Error(t.t === 'eof' ? 'unexpected end of input' : `unexpected ${JSON.stringify(t.t)}`);
    }
  }

  private array(sig: string): Node {
    let set = new Set<string>(sig ? [sig] : []);
    const children: Node[] = [];
    this.list(']', () => {
      const c = this.node();
      const cs = new Set([...c.sigs()].map((x) => `a${x}`));
      if (cs.size > 0) {
        set = set.size === 0 ? cs : intersect(set, cs);
        if (set.size === 0) throw new Error(`can't parse ${JSON.stringify(c.text)} with given type information`);
      }
      children.push(c);
    });
    const text = `[${children.map((c) => c.text).join(', ')}]`;
    return {
      text,
      sigs: () => set,
      infer: () => {
        if (children.length === 0) throw new Error(`can't infer type for ${JSON.stringify(text)}`);
        return `a${chosen(children[0]!)}`;
      },
      value: (s) => {
        if (set.size > 0 && !set.has(s)) throw typeError(text, s);
        return children.map((c) => c.value(s.slice(1)));
      },
    };
  }

  private variant(sig: string): Node {
    const inner = this.node();
    if (this.next().t !== '>') throw new Error('unexpected token in variant');
    if (sig && sig !== 'v') throw typeError(`<${inner.text}>`, sig);
    const text = `<${inner.text}>`;
    return {
      text,
      sigs: () => new Set(['v']),
      infer: () => 'v',
      value: (s): Variant => {
        if (s !== 'v') throw typeError(text, s);
        const is = chosen(inner);
        return variant(is, inner.value(is));
      },
    };
  }

  private dict(sig: string): Node {
    if (sig && (sig.length < 5 || !sig.startsWith('a{'))) throw new Error(`invalid signature ${JSON.stringify(sig)} for dict type`);
    let kset = new Set<string>(sig ? [sig[2]!] : []);
    let vset = new Set<string>(sig ? [sig.slice(3, -1)] : []);
    const entries: [Node, Node][] = [];
    const narrow = (set: Set<string>, n: Node) => {
      const ns = n.sigs();
      if (ns.size === 0) return set;
      const r = set.size === 0 ? ns : intersect(set, ns);
      if (r.size === 0) throw new Error(`can't parse ${JSON.stringify(n.text)} with given type information`);
      return r;
    };
    this.list('}', () => {
      const k = this.node();
      kset = narrow(kset, k);
      if (this.next().t !== ':') throw new Error('expected ":" in dict entry');
      const v = this.node();
      vset = narrow(vset, v);
      entries.push([k, v]);
    });
    const text = `{${entries.map(([k, v]) => `${k.text}: ${v.text}`).join(', ')}}`;
    const sigs = () => new Set([...kset].flatMap((k) => [...vset].map((v) => `a{${k}${v}}`)));
    return {
      text,
      sigs,
      infer: () => {
        if (entries.length === 0) throw new Error(`can't infer type for ${JSON.stringify(text)}`);
        return `a{${chosen(entries[0]![0])}${chosen(entries[0]![1])}}`;
      },
      value: (s) => {
        const set = sigs();
        if (set.size > 0 && !set.has(s)) throw typeError(text, s);
        const ks = s.slice(2, 3);
        const vs = s.slice(3, -1);
        return entries.map(([k, v]) => [k.value(ks), v.value(vs)]);
      },
    };
  }
}

function fail(e: Error): never {
  throw e;
}

/** Parses one GVariant text value into a variant (its D-Bus type and value). */
export function parseGVariant(text: string): Variant {
  const p = new Parser(lex(text));
  const n = p.node();
  p.end();
  const sig = chosen(n);
  checkSignature(sig);
  return variant(sig, n.value(sig));
}
