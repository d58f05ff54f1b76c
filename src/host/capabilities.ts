import { readFileSync } from 'node:fs';
import { CAPABILITIES } from '../plan/capabilities.js';

const SETS = ['bounding', 'effective', 'permitted', 'inheritable', 'ambient'] as const;

/** berth's own bounding set (/proc/self/status CapBnd): no process it starts can hold more. */
export function runtimeBounding(): bigint {
  try {
    const m = /^CapBnd:\s*([0-9a-f]+)$/m.exec(readFileSync('/proc/self/status', 'latin1'));
    if (m) return BigInt(`0x${m[1]}`);
  } catch {
    // no procfs: assume nothing is missing; capset will say otherwise
  }
  return (1n << 64n) - 1n;
}

/**
 * config.md "capabilities": a capability that cannot be granted MUST be logged as a warning and
 * SHOULD NOT fail the container. The ones outside berth's own bounding set are dropped from
 * every set, one warning each; the process is returned unchanged when nothing is missing. Pure.
 */
export function grantableCapabilities(process: any, file: string, bounding: bigint): { process: any; warnings: string[] } {
  const caps = process?.capabilities;
  if (!caps) return { process, warnings: [] };
  const missing = new Set<string>();
  for (const set of SETS) {
    for (const name of caps[set] ?? []) {
      const bit = CAPABILITIES.indexOf(name);
      if (bit >= 0 && !(bounding & (1n << BigInt(bit)))) missing.add(name);
    }
  }
  if (missing.size === 0) return { process, warnings: [] };
  const kept = Object.fromEntries(SETS.filter((s) => caps[s] !== undefined).map((s) => [s, caps[s].filter((n: string) => !missing.has(n))]));
  const warnings = [...missing].map((name) => `${file}: /process/capabilities: ${name} cannot be granted (berth's own bounding set lacks it): dropped`);
  return { process: { ...process, capabilities: { ...caps, ...kept } }, warnings };
}
