/**
 * v2 devices: cgroup v2 has no devices files; the rules are enforced by a
 * BPF_PROG_TYPE_CGROUP_DEVICE program attached to the container's dir. Planning checks the rules
 * and builds the program (pure); the manager attaches it (attachDevicesV2) at create, and on
 * update when `devices` is given. The rules are the spec's then runc's defaults, on a deny-all
 * baseline, with v1's semantics (../device-emulator.ts).
 */
import { effectiveRules, ruleString } from '../devices.js';
import { native } from '../../native/addon.js';
import { CgroupError, errnoText } from '../errors.js';
import { planError } from '../plan.js';
import type { CgroupWrite, LinuxResources, PlanContext } from '../types.js';
import { emulateDeviceRules } from '../device-emulator.js';
import { deviceProgram, encodeProgram } from './device-program.js';

const F = 'linux.resources.devices';

/** The encoded program for linux.resources.devices; a number out of range names its rule. */
export function buildDeviceProgram(devices: LinuxResources['devices']): Buffer {
  const rules = effectiveRules(devices);
  rules.forEach((rule, i) => {
    for (const n of [rule.major, rule.minor]) {
      if (n !== undefined && n > 0x7fffffffn) {
        throw planError(i < (devices ?? []).length ? `${F}[${i}]` : F, `device rule "${ruleString(rule)}": number out of range`);
      }
    }
  });
  return encodeProgram(deviceProgram(emulateDeviceRules(rules)));
}

/** No file writes on v2; the rules are checked here so bad input fails before anything is made. */
export function planDevicesV2(r: LinuxResources, ctx: PlanContext): CgroupWrite[] {
  if (!ctx.update || r.devices !== undefined) buildDeviceProgram(r.devices);
  return [];
}

/** Attach the program for `r.devices` to dir, replacing berth's earlier one (create; update with devices). */
export function attachDevicesV2(dir: string, r: LinuxResources, update: boolean): void {
  if (update && r.devices === undefined) return;
  const prog = buildDeviceProgram(r.devices);
  try {
    native().attachDeviceProgram(dir, prog);
  } catch (e) {
    const log = (e as { verifierLog?: string }).verifierLog;
    throw new CgroupError(`${F}: cgroup v2 device program: ${(e as Error).message ?? errnoText(e)}${log ? `\n${log}` : ''}`);
  }
}
