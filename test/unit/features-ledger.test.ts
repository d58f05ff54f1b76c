import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { features } from '../../src/features/features.js';
import { ANNOTATIONS, LEDGER, honoured } from '../../src/spec/ledger.js';
import { MOUNT_OPTION_NAMES, parseMountOptions } from '../../src/plan/mount-options.js';

const linuxSchema = JSON.parse(readFileSync(join(import.meta.dirname, '../../schemas/linux.schema.json'), 'utf8'));
const configSchema = JSON.parse(readFileSync(join(import.meta.dirname, '../../schemas/config.schema.json'), 'utf8'));
const host = { apparmor: false, selinux: false };
const doc = features(host as any, { enabled: true } as any) as any;

/** `features` says what the ledger (src/spec/ledger.ts) and the code's own tables say: one set of facts. */
describe('features from the ledger', () => {
  it('mountOptions: every option listed is one the parser acts on (none falls through as filesystem data), tmpcopyup among them', () => {
    expect(doc.mountOptions).toEqual([...MOUNT_OPTION_NAMES]);
    for (const o of doc.mountOptions) expect(parseMountOptions([o]).data, o).toEqual([]);
    expect(doc.mountOptions).toContain('tmpcopyup');
    expect(parseMountOptions(['tmpcopyup']).tmpcopyup).toBe(true);
    expect(parseMountOptions(['size=1m']).data).toEqual(['size=1m']);
  });

  it('hooks and namespaces: every kind the schema defines, each honoured', () => {
    expect([...doc.hooks].sort()).toEqual(Object.keys(configSchema.properties.hooks.properties).sort());
    for (const h of doc.hooks) expect(honoured(`/hooks/${h}`)).toBe(true);
    expect(doc.linux.namespaces).toEqual([...linuxSchema.properties.namespaces.items.properties.type.enum].sort());
  });

  it('memoryPolicy: listed because honoured, with every mode and flag the schema allows', () => {
    expect(honoured('/linux/memoryPolicy')).toBe(true);
    expect(doc.linux.memoryPolicy.modes).toEqual([...linuxSchema.definitions.MemoryPolicyMode.enum].sort());
    expect(doc.linux.memoryPolicy.flags).toEqual([...linuxSchema.definitions.MemoryPolicyFlag.enum].sort());
  });

  it('intelRdt, netDevices, rdma, systemdUser: as the ledger says', () => {
    expect(doc.linux.intelRdt).toEqual({ enabled: honoured('/linux/intelRdt'), schemata: honoured('/linux/intelRdt/schemata'), monitoring: honoured('/linux/intelRdt/enableMonitoring') });
    if (doc.linux.netDevices.enabled) expect(honoured('/linux/netDevices')).toBe(true);
    // As root in the host's user namespace (the unit lane runs as root in CI) it is enabled.
    if (process.getuid?.() === 0) expect(doc.linux.netDevices.enabled).toBe(honoured('/linux/netDevices'));
    expect(doc.linux.cgroup.rdma).toBe(honoured('/linux/resources/rdma'));
    expect(doc.linux.cgroup.systemdUser).toBe(true);
  });

  it('potentiallyUnsafeConfigAnnotations: exactly the annotations the ledger says change berth', () => {
    expect(doc.potentiallyUnsafeConfigAnnotations).toEqual(ANNOTATIONS.map((a) => a.name));
  });

  it('nothing the ledger refuses is offered: no refused property names a features list', () => {
    const refused = LEDGER.filter((e) => e.status === 'refused').flatMap((e) => e.paths);
    expect(refused.some((p) => p.startsWith('/linux/intelRdt') || p.startsWith('/linux/memoryPolicy') || p.startsWith('/linux/netDevices'))).toBe(false);
  });
});
