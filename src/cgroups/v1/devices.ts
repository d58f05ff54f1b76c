/**
 * v1 devices controller: "a" to devices.deny first (deny everything, clear the list), then each
 * rule — the spec's in order, then runc's defaults — to devices.allow or devices.deny as
 * "TYPE MAJ:MIN ACCESS" ("*" for any), one write each. At create this always runs (a container
 * never inherits the host's allow-all); on update only when devices are given.
 */
import { effectiveRules, ruleString } from '../devices.js';
import { write } from '../plan.js';
import type { CgroupWrite, LinuxResources, PlanContext } from '../types.js';

const F = 'linux.resources.devices';

export function planDevicesV1(r: LinuxResources, ctx: PlanContext): CgroupWrite[] {
  if (ctx.update && r.devices === undefined) return [];
  const spec = r.devices ?? [];
  const out: CgroupWrite[] = [write('devices', 'devices.deny', 'a', F)];
  effectiveRules(spec).forEach((rule, i) => {
    const field = i < spec.length ? `${F}[${i}]` : `${F} (default rule ${ruleString(rule)})`;
    out.push(write('devices', rule.allow ? 'devices.allow' : 'devices.deny', ruleString(rule), field));
  });
  return out;
}
