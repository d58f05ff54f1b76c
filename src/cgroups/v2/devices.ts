/**
 * v2 devices: cgroup v2 has no devices files; rules are enforced by a BPF_PROG_TYPE_CGROUP_DEVICE
 * program attached to the cgroup. berth does not build that program yet. The default policy
 * (deny all + runc's default allow list) is accepted — and NOT enforced — so that ordinary
 * configs run; any other rule is refused rather than silently ignored.
 */
import { isDefaultPolicy, normaliseRule, ruleString } from '../devices.js';
import { planError } from '../plan.js';
import type { CgroupWrite, LinuxResources, PlanContext } from '../types.js';

export function planDevicesV2(r: LinuxResources, _ctx: PlanContext): CgroupWrite[] {
  const rules = (r.devices ?? []).map(normaliseRule);
  if (!isDefaultPolicy(rules)) {
    const i = rules.findIndex((x) => !isDefaultPolicy([x]));
    throw planError(
      `linux.resources.devices[${i}]`,
      `device rule "${ruleString(rules[i]!)}" on cgroup v2 needs an eBPF device program, not supported yet`,
    );
  }
  // The eBPF program, when it exists, will be built from effectiveRules(r.devices).
  return [];
}
