import { describe, it, expect } from 'vitest';
import { isNameTemplate, netDeviceNameProblem } from '../../src/netdev/names.js';
import { addressesToCarry, showAddress } from '../../src/netdev/addresses.js';
import { describeMove, netDeviceMoves, transitName } from '../../src/netdev/plan.js';
import { validateConfig } from '../../src/validate/config.js';
import { defaultConfig } from '../../src/spec/default-config.js';
import type { NetAddress } from '../../src/native/addon.js';

describe('network device names (the kernel\'s dev_valid_name, templates as __dev_alloc_name takes them)', () => {
  it('takes 1-15 bytes without "/", ":", white space or NUL, not "." or ".."', () => {
    for (const ok of ['eth0', 'container_eth0', 'a', 'abcdefghijklmno', 'ens4.100', 'vlan-1@x']) expect(netDeviceNameProblem(ok, false), ok).toBeUndefined();
    expect(netDeviceNameProblem('', false)).toBe('is empty');
    expect(netDeviceNameProblem('abcdefghijklmnop', false)).toBe('is 16 bytes long: at most 15');
    // Bytes, not characters: 8 two-byte letters are 16 bytes.
    expect(netDeviceNameProblem('éééééééé', false)).toBe('is 16 bytes long: at most 15');
    expect(netDeviceNameProblem('.', false)).toBe('may not be "."');
    expect(netDeviceNameProblem('..', false)).toBe('may not be ".."');
    for (const bad of ['a/b', 'eth0:1']) expect(netDeviceNameProblem(bad, false), bad).toBe('may not contain "/" or ":"');
    for (const bad of ['a b', 'a\tb', 'a\nb', 'a\u0000b', 'à']) expect(netDeviceNameProblem(bad, false), JSON.stringify(bad)).toBe('may not contain white space or NUL');
  });

  it('a template has exactly one "%d", and only a new name may be one', () => {
    expect(isNameTemplate('eth%d')).toBe(true);
    expect(isNameTemplate('eth0')).toBe(false);
    expect(netDeviceNameProblem('eth%d', true)).toBeUndefined();
    expect(netDeviceNameProblem('%dnet', true)).toBeUndefined();
    expect(netDeviceNameProblem('eth%d', false)).toBe('may not contain "%" (a template is only for a new name)');
    for (const bad of ['eth%s', 'eth%', 'a%d%d', '%d%']) expect(netDeviceNameProblem(bad, true), bad).toBe('may contain "%" only once, as the template "%d"');
  });
});

describe('addresses carried into the container (permanent, global scope)', () => {
  const v4: NetAddress = { family: 4, prefixlen: 24, scope: 0, flags: 0x80, local: '10.0.0.1', address: '10.0.0.1', broadcast: '10.0.0.255' };
  it('keeps IFA_F_PERMANENT addresses of global scope, of both families, in order', () => {
    const v6: NetAddress = { family: 6, prefixlen: 64, scope: 0, flags: 0x80 | 0x02, address: 'fd00::1' };
    const dynamic: NetAddress = { family: 4, prefixlen: 24, scope: 0, flags: 0, local: '10.0.1.5', address: '10.0.1.5' };
    const linkLocal: NetAddress = { family: 6, prefixlen: 64, scope: 253, flags: 0x80, address: 'fe80::1' };
    const host: NetAddress = { family: 4, prefixlen: 8, scope: 254, flags: 0x80, local: '127.0.0.2', address: '127.0.0.2' };
    expect(addressesToCarry([linkLocal, v4, dynamic, host, v6])).toEqual([
      { family: 4, prefixlen: 24, scope: 0, flags: 0, local: '10.0.0.1', address: '10.0.0.1', broadcast: '10.0.0.255' },
      { family: 6, prefixlen: 64, scope: 0, flags: 0x02, address: 'fd00::1' },
    ]);
  });

  it('carries the configuration flags (nodad, noprefixroute, mngtmpaddr, autojoin), not the kernel\'s state of the address', () => {
    // permanent | secondary | tentative | deprecated | nodad | noprefixroute | mngtmpaddr | autojoin
    const a: NetAddress = { family: 6, prefixlen: 64, scope: 0, flags: 0x80 | 0x01 | 0x40 | 0x20 | 0x02 | 0x200 | 0x100 | 0x400, address: 'fd00::2' };
    expect(addressesToCarry([a])[0]!.flags).toBe(0x02 | 0x200 | 0x100 | 0x400);
  });

  it('shows the local address with its prefix', () => {
    expect(showAddress(v4)).toBe('10.0.0.1/24');
    expect(showAddress({ family: 6, prefixlen: 64, scope: 0, flags: 0, address: 'fd00::1' })).toBe('fd00::1/64');
  });
});

describe('the moves linux.netDevices asks for', () => {
  it('one per entry in the config\'s order: the name, else the host\'s; the entry\'s pointer', () => {
    expect(netDeviceMoves({ netDevices: { eth0: { name: 'container_eth0' }, 'ens~4': {}, ens5: { name: '' }, ens6: { name: 'net%d' } } })).toEqual([
      { host: 'eth0', name: 'container_eth0', from: '/linux/netDevices/eth0' },
      { host: 'ens~4', name: 'ens~4', from: '/linux/netDevices/ens~04' },
      { host: 'ens5', name: 'ens5', from: '/linux/netDevices/ens5' },
      { host: 'ens6', name: 'net%d', from: '/linux/netDevices/ens6' },
    ]);
    expect(netDeviceMoves({})).toEqual([]);
    expect(netDeviceMoves(undefined)).toEqual([]);
  });

  it('describes each move; the transit name fits IFNAMSIZ', () => {
    expect(describeMove({ host: 'eth0', name: 'eth0', from: '' })).toBe("move network device eth0 into the container's network namespace, with its permanent global addresses, and set it up");
    expect(describeMove({ host: 'eth0', name: 'c0', from: '' })).toContain('namespace as c0,');
    expect(describeMove({ host: 'eth0', name: 'e%d', from: '' })).toContain('as e%d (numbered by the kernel)');
    expect(transitName('0123456789')).toBe('berth0123456789');
    expect(transitName('0123456789').length).toBe(15);
  });
});

describe('validation of linux.netDevices', () => {
  const errors = (netDevices: object) => {
    const c: any = defaultConfig();
    c.linux.netDevices = netDevices;
    return validateConfig(c, { requireProcess: true }).errors;
  };
  it('names the entry (or its name) for a name the kernel would refuse', () => {
    expect(errors({ eth0: { name: 'container_eth0' }, ens4: {}, ens5: { name: 'net%d' } })).toEqual([]);
    expect(errors({ 'a/b': {} })).toEqual(['config.json: /linux/netDevices/a~1b: "a/b" is not a network device name: may not contain "/" or ":"']);
    expect(errors({ 'eth%d': {} })).toEqual(['config.json: /linux/netDevices/eth%d: "eth%d" is not a network device name: may not contain "%" (a template is only for a new name)']);
    expect(errors({ eth0: { name: 'x y' } })).toEqual(['config.json: /linux/netDevices/eth0/name: "x y" is not a network device name: may not contain white space or NUL']);
  });

  it('two devices may not get one name in the container (templates are numbered apart)', () => {
    expect(errors({ eth0: { name: 'c0' }, eth1: { name: 'c0' } })).toEqual(['config.json: /linux/netDevices/eth1/name: "c0" is also the container\'s name for /linux/netDevices/eth0']);
    expect(errors({ eth0: { name: 'eth1' }, eth1: {} })).toEqual(['config.json: /linux/netDevices/eth1: "eth1" is also the container\'s name for /linux/netDevices/eth0']);
    expect(errors({ eth0: { name: 'n%d' }, eth1: { name: 'n%d' } })).toEqual([]);
  });
});
