/**
 * Strict reading of the JSON documents a container is made from (config.json, exec --process):
 * the bytes must be UTF-8 (no silent U+FFFD in `process.args`), and no object may hold a key
 * twice (JSON.parse keeps the last, another reader may take the first: the same file would mean
 * two programs). Pure; both checks are linear scans.
 */

const fatal = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** The bytes as text; throws `not valid UTF-8 at byte offset N` at the first bad sequence. */
export function decodeUtf8Strict(bytes: Uint8Array): string {
  try {
    return fatal.decode(bytes);
  } catch {
    throw new Error(`not valid UTF-8 at byte offset ${utf8ErrorOffset(bytes)}`);
  }
}

/**
 * The offset of the first byte that does not begin a well-formed UTF-8 sequence (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF), or -1 when all is well formed.
 */
export function utf8ErrorOffset(b: Uint8Array): number {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let len: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) len = 2;
    else if (c >= 0xe0 && c <= 0xef) {
      len = 3;
      if (c === 0xe0) lo = 0xa0; // overlong
      if (c === 0xed) hi = 0x9f; // surrogates
    } else if (c >= 0xf0 && c <= 0xf4) {
      len = 4;
      if (c === 0xf0) lo = 0x90; // overlong
      if (c === 0xf4) hi = 0x8f; // above U+10FFFF
    } else return i;
    if (i + len > n) return i;
    const second = b[i + 1]!;
    if (second < lo || second > hi) return i;
    for (let k = 2; k < len; k++) if ((b[i + k]! & 0xc0) !== 0x80) return i;
    i += len;
  }
  return -1;
}

/** JSON pointer escaping of one reference token (RFC 6901). */
function token(s: string): string {
  return s.replace(/~/g, '~0').replace(/\//g, '~1');
}

/**
 * The JSON pointer of the first key that repeats in its object (`/process/args`), or undefined.
 * `text` must be valid JSON (JSON.parse accepted it), so the scan only tracks strings, nesting
 * and array indexes. Keys are compared decoded ("a" and "\u0061" are the same key).
 */
export function findDuplicateKey(text: string): string | undefined {
  // One frame per open object or array: its keys (objects) or its index (arrays), and the
  // pointer segment of the member being read.
  const keys: (Set<string> | null)[] = [];
  const seg: string[] = [];
  const index: number[] = [];
  const n = text.length;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x22 /* " */) {
      let end = text.indexOf('"', i + 1);
      let escaped = false;
      for (;;) {
        let back = 0;
        for (let k = end - 1; text.charCodeAt(k) === 0x5c /* \ */; k--) back++;
        if (back % 2 === 0) break;
        escaped = true;
        end = text.indexOf('"', end + 1);
      }
      const top = keys.length - 1;
      const set = keys[top];
      if (set) {
        // A string in an object is a key when a ':' follows it.
        let j = end + 1;
        while (j < n && isSpace(text.charCodeAt(j))) j++;
        if (text.charCodeAt(j) === 0x3a /* : */) {
          const raw = text.slice(i + 1, end);
          const key = escaped || raw.includes('\\') ? (JSON.parse(text.slice(i, end + 1)) as string) : raw;
          seg[top] = token(key);
          if (set.has(key)) return '/' + seg.slice(0, top + 1).join('/');
          set.add(key);
          i = j;
          continue;
        }
      }
      i = end;
    } else if (c === 0x7b /* { */) {
      keys.push(new Set());
      seg.push('');
      index.push(0);
    } else if (c === 0x5b /* [ */) {
      keys.push(null);
      seg.push('0');
      index.push(0);
    } else if (c === 0x7d /* } */ || c === 0x5d /* ] */) {
      keys.pop();
      seg.pop();
      index.pop();
    } else if (c === 0x2c /* , */) {
      const top = keys.length - 1;
      if (keys[top] === null) seg[top] = String(++index[top]!);
    }
  }
  return undefined;
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

/**
 * JSON.parse, then the duplicate-key check: a DuplicateKeyError says `/process/args: duplicate
 * key "args"` (the caller adds the file). JSON syntax errors are SyntaxError, as JSON.parse's.
 */
export function parseStrict(text: string, reviver?: (this: any, key: string, value: any) => any): unknown {
  const value: unknown = JSON.parse(text, reviver);
  const dup = findDuplicateKey(text);
  if (dup !== undefined) {
    const last = dup.slice(dup.lastIndexOf('/') + 1).replace(/~1/g, '/').replace(/~0/g, '~');
    throw new DuplicateKeyError(`${dup}: duplicate key ${JSON.stringify(last)} (a key may appear once in an object)`);
  }
  return value;
}

export class DuplicateKeyError extends Error {}
