// The systemd driver's pure parts: the D-Bus wire format (dbus/wire.ts) and the scope's unit
// name and StartTransientUnit properties (systemd.ts).
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeCall, messageLength, Reader, splitSig, variant, Writer } from '../../src/cgroups/dbus/wire.js';
import { parseSystemdPath, scopeProperties, scopeUnitName } from '../../src/cgroups/systemd.js';

describe('dbus wire format', () => {
  it('splits signatures into complete types', () => {
    expect(splitSig('ssa(sv)a(sa(sv))')).toEqual(['s', 's', 'a(sv)', 'a(sa(sv))']);
    expect(splitSig('a{sv}t')).toEqual(['a{sv}', 't']);
    expect(() => splitSig('a(s')).toThrow(/bad signature/);
  });

  it('aligns and lays out values as the spec says', () => {
    const w = new Writer();
    w.write('y', 7);
    w.write('s', 'ab'); // aligned to 4: 3 bytes of padding
    w.write('t', 1n); // aligned to 8: 5 bytes of padding after the string's NUL
    expect(w.bytes().toString('hex')).toBe('07000000' + '02000000616200' + '0000000000' + '0100000000000000');
    const a = new Writer();
    a.write('a(sv)', [['k', variant('b', true)]]);
    // length (of the elements, without the padding up to the struct's 8-alignment), pad, struct
    expect(a.bytes().toString('hex')).toBe('10000000' + '00000000' + '010000006b00' + '016200' + '000000' + '01000000');
  });

  it('reads back what it writes', () => {
    const sig = 'ssa(sv)a(sa(sv))';
    const w = new Writer();
    const props = [['Slice', variant('s', 'system.slice')], ['PIDs', variant('au', [42, 43])], ['MemoryMax', variant('t', 1n << 40n)]];
    const vals = ['x.scope', 'replace', props, []];
    splitSig(sig).forEach((t, k) => w.write(t, vals[k]!));
    const r = new Reader(w.bytes());
    expect(splitSig(sig).map((t) => r.read(t))).toEqual(vals);
  });

  it('encodes a method call with its header fields and decodes it', () => {
    const buf = encodeCall({ path: '/org/freedesktop/systemd1', iface: 'org.freedesktop.systemd1.Manager', member: 'GetUnit', destination: 'org.freedesktop.systemd1', signature: 's', args: ['a.scope'] }, 5);
    expect(buf.subarray(0, 4).toString('hex')).toBe('6c010001');
    expect(messageLength(buf)).toBe(buf.length);
    expect(messageLength(buf.subarray(0, 10))).toBeUndefined();
    const m = decodeMessage(buf);
    expect(m).toMatchObject({ type: 1, serial: 5, signature: 's', body: ['a.scope'] });
  });
});

describe('systemd scope', () => {
  it('is named as runc names it', () => {
    expect(scopeUnitName(parseSystemdPath('system.slice:berth:c1', 'c1'))).toBe('berth-c1.scope');
    expect(scopeUnitName(parseSystemdPath(':berth:c1', 'c1'))).toBe('berth-c1.scope');
    expect(scopeUnitName(parseSystemdPath('machine.slice::c1', 'c1'))).toBe('c1.scope');
    expect(scopeUnitName(parseSystemdPath(undefined, 'c2'))).toBe('runc-c2.scope');
    expect(() => scopeUnitName(parseSystemdPath('system.slice:x:y.slice', 'c'))).toThrow(/slice as the container's unit/);
  });

  it('asks for a delegated scope holding the pid, with the limits systemd should keep', () => {
    const p = parseSystemdPath('user.slice:berth:c1', 'c1');
    const props = Object.fromEntries(scopeProperties(p, 99, { memory: { limit: 64 * 1024 * 1024 }, pids: { limit: -1 } }) as [string, unknown][]);
    expect(props.Slice).toEqual(variant('s', 'user.slice'));
    expect(props.Delegate).toEqual(variant('b', true));
    expect(props.PIDs).toEqual(variant('au', [99]));
    expect(props.DefaultDependencies).toEqual(variant('b', false));
    expect(props.MemoryMax).toEqual(variant('t', 67108864n));
    expect(props.TasksMax).toBeUndefined(); // -1: no limit
  });
});
