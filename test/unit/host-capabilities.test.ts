import { describe, it, expect } from 'vitest';
import { grantableCapabilities } from '../../src/host/capabilities.js';

const ALL = (1n << 41n) - 1n;
const withoutSysResource = ALL & ~(1n << 24n); // CAP_SYS_RESOURCE is bit 24

describe('capabilities berth cannot grant (config.md: warn, do not fail)', () => {
  it('drops a capability outside the bounding set from every set, one warning for it', () => {
    const p = { args: ['sh'], capabilities: { bounding: ['CAP_KILL', 'CAP_SYS_RESOURCE'], effective: ['CAP_SYS_RESOURCE'], permitted: ['CAP_KILL', 'CAP_SYS_RESOURCE'] } };
    const r = grantableCapabilities(p, 'config.json', withoutSysResource);
    expect(r.process.capabilities).toEqual({ bounding: ['CAP_KILL'], effective: [], permitted: ['CAP_KILL'] });
    expect(r.warnings).toEqual(["config.json: /process/capabilities: CAP_SYS_RESOURCE cannot be granted (berth's own bounding set lacks it): dropped"]);
    expect(p.capabilities.bounding).toEqual(['CAP_KILL', 'CAP_SYS_RESOURCE']); // input untouched
  });

  it('leaves the process as it is when everything can be granted, or when it asks for none', () => {
    const p = { capabilities: { bounding: ['CAP_KILL', 'CAP_SYS_RESOURCE'] } };
    expect(grantableCapabilities(p, 'config.json', ALL)).toEqual({ process: p, warnings: [] });
    const q = { args: ['true'] };
    expect(grantableCapabilities(q, 'config.json', 0n)).toEqual({ process: q, warnings: [] });
  });
});
