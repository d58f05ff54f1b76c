// The systemd driver's pure parts: the D-Bus wire format (dbus/wire.ts) and the scope's unit
// name and StartTransientUnit properties (src/cgroups/systemd/).
import { describe, expect, it } from 'vitest';
import { decodeMessage, encodeCall, messageLength, Reader, splitSig, variant, Writer } from '../../src/cgroups/systemd/dbus/wire.js';
import { parseSystemdPath, scopeProperties, scopeUnitName, systemdMajor } from '../../src/cgroups/systemd/scope.js';
import { deviceAllowPath, devicePolicyProperties, parseProcDevices } from '../../src/cgroups/systemd/devices.js';
import { cpuQuotaPerSecUSec, cpuSetBytes, INFINITY, resourceProperties, type SystemdHost } from '../../src/cgroups/systemd/properties.js';

const PROC_DEVICES = 'Character devices:\n  1 mem\n  4 /dev/vc/0\n  4 tty\n  5 /dev/tty\n136 pts\n\nBlock devices:\n  7 loop\n  8 sd\n';
const V2: SystemdHost = { layout: 'unified', version: 252, procDevices: PROC_DEVICES };
const V1: SystemdHost = { layout: 'hybrid', version: 252, procDevices: PROC_DEVICES };
const asMap = (props: unknown[]) => Object.fromEntries(props as [string, unknown][]);

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
    const props = asMap(scopeProperties(p, 99, { memory: { limit: 64 * 1024 * 1024 }, pids: { limit: 0 } }, V2));
    expect(props.Slice).toEqual(variant('s', 'user.slice'));
    expect(props.Delegate).toEqual(variant('b', true));
    expect(props.PIDs).toEqual(variant('au', [99]));
    expect(props.DefaultDependencies).toEqual(variant('b', false));
    expect(props.MemoryMax).toEqual(variant('t', 67108864n));
    expect(props.TasksMax).toEqual(variant('t', 1n)); // 0 is a limit (runtime-spec 1.3); systemd takes no 0
    expect(asMap(scopeProperties(p, 99, { pids: { limit: -1 } }, V2)).TasksMax).toEqual(variant('t', INFINITY));
    expect(asMap(scopeProperties(p, 99, { pids: {} }, V2)).TasksMax).toBeUndefined();
    expect(props.IOAccounting).toEqual(variant('b', true));
    expect(asMap(scopeProperties(p, 99, {}, V1)).BlockIOAccounting).toEqual(variant('b', true));
  });

  it('reads the major version', () => {
    expect(systemdMajor('252.39-1~deb12u1')).toBe(252);
    expect(systemdMajor('v255')).toBe(255);
    expect(systemdMajor('unknown')).toBe(0);
  });
});

describe('resources as systemd properties (runc\'s mapping)', () => {
  const r = {
    memory: { limit: 1 << 30, reservation: 1 << 29, swap: 2 ** 31 },
    cpu: { shares: 2048, quota: 50_000, period: 100_000, cpus: '0-2,9', mems: '0' },
    blockIO: { weight: 500 },
    pids: { limit: -1 },
  };

  it('on cgroup v2', () => {
    const p = asMap(resourceProperties(r, V2, false));
    expect(p).toEqual({
      MemoryMax: variant('t', 1n << 30n),
      MemoryLow: variant('t', 1n << 29n),
      MemorySwapMax: variant('t', 1n << 30n), // swap - limit
      CPUWeight: variant('t', 79n), // 1 + (2046 * 9999) / 262142
      CPUQuotaPerSecUSec: variant('t', 500_000n),
      CPUQuotaPeriodUSec: variant('t', 100_000n),
      AllowedCPUs: variant('ay', [0b111, 0b10]),
      AllowedMemoryNodes: variant('ay', [1]),
      IOWeight: variant('t', 4950n), // 1 + (490 * 9999) / 990
      TasksMax: variant('t', INFINITY),
    });
    expect(Object.keys(asMap(resourceProperties(r, { ...V2, version: 241 }, false)))).not.toContain('CPUQuotaPeriodUSec');
    expect(Object.keys(asMap(resourceProperties(r, { ...V2, version: 243 }, false)))).not.toContain('AllowedCPUs');
  });

  it('on cgroup v1, with the device policy', () => {
    const p = asMap(resourceProperties(r, V1, false));
    expect(Object.keys(p).sort()).toEqual(['BlockIOWeight', 'CPUQuotaPerSecUSec', 'CPUQuotaPeriodUSec', 'CPUShares', 'DeviceAllow', 'DevicePolicy', 'MemoryLimit', 'TasksMax']);
    expect(p.MemoryLimit).toEqual(variant('t', 1n << 30n));
    expect(p.CPUShares).toEqual(variant('t', 2048n));
    expect(p.BlockIOWeight).toEqual(variant('t', 500n));
    // An update names only what it changes; devices only when given.
    expect(asMap(resourceProperties({ memory: { limit: -1 } }, V1, true))).toEqual({ MemoryLimit: variant('t', INFINITY) });
  });

  it('rounds the cpu quota up to whole 10 ms per second, as systemd keeps a percentage', () => {
    expect(cpuQuotaPerSecUSec(undefined, undefined)).toBeUndefined();
    expect(cpuQuotaPerSecUSec(12_345n, undefined)).toBe(130_000n); // default period 100 ms
    expect(cpuQuotaPerSecUSec(-1n, 50_000n)).toBe(INFINITY);
    expect(cpuQuotaPerSecUSec(200_000n, 100_000n)).toBe(2_000_000n);
  });

  it('turns cpu lists into systemd CPU set bytes', () => {
    expect(cpuSetBytes('0')).toEqual([1]);
    expect(cpuSetBytes('0-3, 8')).toEqual([15, 1]);
    expect(() => cpuSetBytes('3-1')).toThrow(/invalid cpu list/);
    expect(() => cpuSetBytes('x')).toThrow(/invalid cpu list/);
  });
});

describe('device rules as DevicePolicy/DeviceAllow (cgroup v1)', () => {
  it('names devices by number, groups by /proc/devices, wildcards by type', () => {
    const groups = parseProcDevices(PROC_DEVICES);
    expect(groups.get('c136')).toBe('pts');
    expect(groups.get('c4')).toBe('/dev/vc/0'); // the first name of a major
    expect(groups.get('b8')).toBe('sd');
    expect(deviceAllowPath({ type: 'c', major: 1n, minor: 3n, access: 'rwm' }, groups)).toBe('/dev/char/1:3');
    expect(deviceAllowPath({ type: 'b', major: 8n, minor: undefined, access: 'r' }, groups)).toBe('block-sd');
    expect(deviceAllowPath({ type: 'c', major: undefined, minor: undefined, access: 'm' }, groups)).toBe('char-*');
    expect(deviceAllowPath({ type: 'c', major: 99n, minor: undefined, access: 'r' }, groups)).toBeUndefined();
    expect(deviceAllowPath({ type: 'c', major: undefined, minor: 5n, access: 'r' }, groups)).toBeUndefined();
  });

  it('is strict with the default allow list, resetting the list first', () => {
    const p = devicePolicyProperties([{ allow: false, access: 'rwm' }, { allow: true, type: 'c', major: 10, minor: 200, access: 'rw' }], PROC_DEVICES);
    expect(p[0]).toEqual(['DevicePolicy', variant('s', 'strict')]);
    expect(p[1]).toEqual(['DeviceAllow', variant('a(ss)', [])]); // SetUnitProperties appends otherwise
    const allow = (p[2] as [string, { value: [string, string][] }])[1].value;
    expect(allow).toContainEqual(['/dev/char/10:200', 'rw']);
    expect(allow).toContainEqual(['char-pts', 'rwm']);
    expect(allow).toContainEqual(['/dev/char/1:3', 'rwm']);
    expect(allow).toContainEqual(['char-*', 'm']);
    expect(allow).toContainEqual(['block-*', 'm']);
  });

  it('leaves everything allowed as systemd\'s auto policy', () => {
    expect(devicePolicyProperties([{ allow: true, access: 'rwm' }], PROC_DEVICES)).toEqual([['DevicePolicy', variant('s', 'auto')]]);
  });
});
