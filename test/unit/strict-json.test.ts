import { describe, it, expect } from 'vitest';
import { decodeUtf8Strict, findDuplicateKey, parseStrict, utf8ErrorOffset } from '../../src/config/strict-json.js';

const bytes = (...parts: (string | number[])[]) => Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : Buffer.from(p))));

describe('strict UTF-8', () => {
  it('finds the offset of the first bad sequence, as the fatal decoder judges', () => {
    const cases: [Buffer, number][] = [
      [bytes('{"a":"ok é € 𝄞"}'), -1],
      [bytes('{"args":["', [0xff], '"]}'), 10],
      [bytes('ab', [0xc0, 0x80]), 2], // overlong NUL
      [bytes('a', [0xe0, 0x80, 0x80]), 1], // overlong
      [bytes('a', [0xed, 0xa0, 0x80]), 1], // a surrogate
      [bytes('a', [0xf4, 0x90, 0x80, 0x80]), 1], // above U+10FFFF
      [bytes('abc', [0xe2, 0x82]), 3], // cut short
      [bytes('é', [0x80]), 2], // a lone continuation byte
    ];
    for (const [b, off] of cases) {
      expect(utf8ErrorOffset(b)).toBe(off);
      let fatal = false;
      try {
        new TextDecoder('utf-8', { fatal: true }).decode(b);
      } catch {
        fatal = true;
      }
      expect(fatal).toBe(off !== -1);
    }
    expect(() => decodeUtf8Strict(bytes('{"x":"', [0xfe], '"}'))).toThrow('not valid UTF-8 at byte offset 6');
    expect(decodeUtf8Strict(bytes('{"x":"é"}'))).toBe('{"x":"é"}');
  });
});

describe('duplicate keys', () => {
  it('are found at any depth, with the JSON pointer of the second one', () => {
    expect(findDuplicateKey('{"process":{"args":["a"],"args":["b"]}}')).toBe('/process/args');
    expect(findDuplicateKey('{"a":1,"a":2}')).toBe('/a');
    expect(findDuplicateKey('{"mounts":[{"d":1},{"d":1,"t":"x","d":2}]}')).toBe('/mounts/1/d');
    expect(findDuplicateKey('[[1,2],{"k":{"x":1}},{"k":{"y":{"z":1,"z":1}}}]')).toBe('/2/k/y/z');
    expect(findDuplicateKey('{"a\\u0062":1, "ab" : 2}')).toBe('/ab');
    expect(findDuplicateKey('{"a/b~":1,"a/b~":2}')).toBe('/a~1b~0');
  });

  it('are not confused by strings that look like JSON, escapes or values equal to keys', () => {
    expect(findDuplicateKey('{"a":"a","b":"a","c":{"a":"\\"a\\":1,\\"a\\":2"}, "d":["a","a"]}')).toBeUndefined();
    expect(findDuplicateKey('{"x\\\\":1,"x":2}')).toBeUndefined();
    expect(findDuplicateKey('{"a":{"k":1},"b":{"k":1}}')).toBeUndefined();
    expect(findDuplicateKey('{}')).toBeUndefined();
    expect(findDuplicateKey('"s"')).toBeUndefined();
  });

  it('parseStrict refuses them; syntax errors stay SyntaxError', () => {
    expect(() => parseStrict('{"process":{"args":["sh"],"args":["id"]}}')).toThrow('/process/args: duplicate key "args"');
    expect(() => parseStrict('{"a":')).toThrow(SyntaxError);
    expect(parseStrict('{"a":[1,{"b":2}]}')).toEqual({ a: [1, { b: 2 }] });
  });
});
