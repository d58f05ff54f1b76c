// org.systemd.property.* annotations (runc's auxiliary scope properties): GVariant text values
// parsed by godbus's rules, runc's name check and its Sec → USec conversion; the cases of runc's
// own table (specconv initSystemdProps) and the properties' place in StartTransientUnit.
import { describe, expect, it } from 'vitest';
import { parseGVariant } from '../../src/cgroups/systemd/gvariant.js';
import { annotationProperties } from '../../src/cgroups/systemd/annotation-properties.js';
import { scopeProperties } from '../../src/cgroups/systemd/scope.js';
import { Reader, Writer, variant } from '../../src/cgroups/systemd/dbus/wire.js';

const prop = (k: string, v: string) => annotationProperties({ [`org.systemd.property.${k}`]: v });

describe('GVariant text values (godbus ParseVariant rules)', () => {
  it('numbers: untyped int32 or double, typed by word or @T, hex and octal, ranges checked', () => {
    expect(parseGVariant('123')).toEqual(variant('i', 123));
    expect(parseGVariant('-5')).toEqual(variant('i', -5));
    expect(parseGVariant('234.789')).toEqual(variant('d', 234.789));
    expect(parseGVariant('1e3')).toEqual(variant('d', 1000));
    expect(parseGVariant('uint64 123456789')).toEqual(variant('t', 123456789n));
    expect(parseGVariant('int64 -7')).toEqual(variant('x', -7n));
    expect(parseGVariant('byte 234')).toEqual(variant('y', 234));
    expect(parseGVariant('int16 -3')).toEqual(variant('n', -3));
    expect(parseGVariant('uint16 0x10')).toEqual(variant('q', 16));
    expect(parseGVariant('uint32 010')).toEqual(variant('u', 8));
    expect(parseGVariant('double 2.5')).toEqual(variant('d', 2.5));
    expect(parseGVariant('@t 18446744073709551615')).toEqual(variant('t', 2n ** 64n - 1n));
    expect(() => parseGVariant('4294967296')).toThrow(/out of range/);
    expect(() => parseGVariant('byte 256')).toThrow(/out of range/);
    expect(() => parseGVariant('uint32 -1')).toThrow(/invalid number/);
    expect(() => parseGVariant('12abc')).toThrow(/bad number syntax/);
  });

  it('strings, booleans, byte strings', () => {
    expect(parseGVariant("'inactive-or-failed'")).toEqual(variant('s', 'inactive-or-failed'));
    expect(parseGVariant('"a\\tb\\u00e9"')).toEqual(variant('s', 'a\tbé'));
    expect(parseGVariant("objectpath '/org/x'")).toEqual(variant('o', '/org/x'));
    expect(parseGVariant('true')).toEqual(variant('b', true));
    expect(parseGVariant("b'ab\\x01'")).toEqual(variant('ay', [97, 98, 1, 0]));
    expect(() => parseGVariant("'open")).toThrow(/unterminated string/);
    expect(() => parseGVariant('invalid-value')).toThrow(/unrecognized type "invalid-value"/);
    expect(() => parseGVariant("uint64 'x'")).toThrow(/invalid type "t" for string/);
  });

  it('arrays, dicts, variants; an empty array needs a type', () => {
    expect(parseGVariant('[1, 2]')).toEqual(variant('ai', [1, 2]));
    expect(parseGVariant('[uint64 1, 2]')).toEqual(variant('at', [1n, 2n]));
    expect(parseGVariant("['a', 'b']")).toEqual(variant('as', ['a', 'b']));
    expect(parseGVariant('@as []')).toEqual(variant('as', []));
    expect(parseGVariant("{'a': 1}")).toEqual(variant('a{si}', [['a', 1]]));
    expect(parseGVariant('<uint32 5>')).toEqual(variant('v', variant('u', 5)));
    expect(() => parseGVariant('[]')).toThrow(/can't infer type/);
    expect(() => parseGVariant("[1, 'a']")).toThrow(/with given type information/);
    expect(() => parseGVariant('1 2')).toThrow(/after the value/);
  });

  it('every parsed type marshals on the wire and reads back', () => {
    for (const text of ['int16 -3', 'uint16 7', 'double 2.5', "[uint64 1]", "{'a': <true>}", "b'x'"]) {
      const v = parseGVariant(text);
      const w = new Writer();
      w.write('v', v);
      expect(new Reader(w.bytes()).read('v'), text).toEqual(v);
    }
  });
});

describe('org.systemd.property.* annotations (runc)', () => {
  it("runc's cases: Sec → USec in microseconds (uint64), others as given", () => {
    expect(prop('TimeoutStopUSec', 'uint64 123456789')).toEqual([['TimeoutStopUSec', variant('t', 123456789n)]]);
    expect(prop('TimeoutStopSec', '456')).toEqual([['TimeoutStopUSec', variant('t', 456000000n)]]);
    for (const t of ['byte', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'uint64']) {
      expect(prop('TimeoutStopSec', `${t} 234`), t).toEqual([['TimeoutStopUSec', variant('t', 234000000n)]]);
    }
    expect(prop('TimeoutStopSec', '234.789')).toEqual([['TimeoutStopUSec', variant('t', 234789000n)]]);
    expect(prop('FOOSec', '123')).toEqual([['FOOSec', variant('i', 123)]]);
    expect(prop('Sec', '123')).toEqual([['Sec', variant('i', 123)]]);
    expect(prop('CollectMode', "'inactive-or-failed'")).toEqual([['CollectMode', variant('s', 'inactive-or-failed')]]);
    expect(annotationProperties({ 'some.other.annotation': '0' })).toEqual([]);
    expect(annotationProperties(undefined)).toEqual([]);
  });

  it("refusals in runc's words after the annotation's JSON path", () => {
    expect(() => prop('TimeoutStopSec', 'false')).toThrow(
      /^config\.json: \/annotations\/org\.systemd\.property\.TimeoutStopSec: annotation org\.systemd\.property\.TimeoutStopSec=false value parse error: not a number$/,
    );
    expect(() => prop('TimeoutStopSec', "'covfefe'")).toThrow(/value parse error: not a number$/);
    expect(() => prop('Xo', '1')).toThrow(/^config\.json: \/annotations\/org\.systemd\.property\.Xo: annotation org\.systemd\.property\.Xo name incorrect: too short$/);
    expect(() => prop('Number1', '1')).toThrow(/name incorrect: contains non-alphabetic character$/);
    expect(() => prop('A/b', '1')).toThrow(/^config\.json: \/annotations\/org\.systemd\.property\.A~1b: /);
    expect(() => prop('ValidName', 'invalid-value')).toThrow(/annotation org\.systemd\.property\.ValidName=invalid-value value parse error: unrecognized type/);
  });

  it("go last in StartTransientUnit's properties, so they override berth's own", () => {
    const extra = prop('CollectMode', "'inactive-or-failed'");
    const props = scopeProperties({ slice: 'system.slice', prefix: 'berth', name: 'c1' }, 42, { pids: { limit: 10 } }, { layout: 'unified', version: 252, procDevices: '' }, extra);
    expect(props.at(-1)).toEqual(['CollectMode', variant('s', 'inactive-or-failed')]);
    expect(props.at(-2)).toEqual(['TasksMax', variant('t', 10n)]);
  });
});
