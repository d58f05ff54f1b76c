/**
 * v1 devices controller. At create: "a" to devices.deny first (deny everything, clear the list),
 * then each rule — the spec's in order, then runc's defaults — to devices.allow or devices.deny
 * as "TYPE MAJ:MIN ACCESS" ("*" for any), one write each; a container never inherits the host's
 * allow-all. On update (only when devices are given): when both the current list and the wanted
 * result are default-deny, only the difference is written (denies of what goes away, then allows
 * of what comes in: no transient deny of what stays, no "a", which the kernel refuses on a cgroup
 * with children); otherwise the same reset as at create.
 */
import { deviceTransition, emulateDeviceRules, parseDevicesList } from '../device-emulator.js';
import { effectiveRules, ruleString } from '../devices.js';
import { write } from '../plan.js';
import type { CgroupWrite, LinuxResources, PlanContext } from '../types.js';

const F = 'linux.resources.devices';

export function planDevicesV1(r: LinuxResources, ctx: PlanContext): CgroupWrite[] {
  if (ctx.update && r.devices === undefined) return [];
  const spec = r.devices ?? [];
  const rules = effectiveRules(spec);
  if (ctx.update) {
    const list = ctx.read('devices', 'devices.list');
    const from = list === undefined ? undefined : parseDevicesList(list);
    const to = emulateDeviceRules(rules);
    if (from && !to.defaultAllow) {
      return deviceTransition(from, to).map((rule) => write('devices', rule.allow ? 'devices.allow' : 'devices.deny', ruleString(rule), F));
    }
  }
  const out: CgroupWrite[] = [write('devices', 'devices.deny', 'a', F)];
  rules.forEach((rule, i) => {
    const field = i < spec.length ? `${F}[${i}]` : `${F} (default rule ${ruleString(rule)})`;
    out.push(write('devices', rule.allow ? 'devices.allow' : 'devices.deny', ruleString(rule), field));
  });
  return out;
}
