/**
 * linux.sysctl → writes under /proc/sys in the container (config-linux.md "Sysctl"), after the
 * pivot and before /proc/sys may become read-only. Which keys are allowed at all is decided
 * before anything is made (validate/sysctls.ts, called by prepareCreate). Pure.
 */
import type { PlanOp } from './ops.js';
import { pointer } from '../validate/pointer.js';
import { sysctlFile } from '../validate/sysctls.js';

export function sysctlOps(linux: any): PlanOp[] {
  return Object.entries(linux?.sysctl ?? {}).map(([key, value]) => ({
    op: 'WRITE_FILE',
    args: [`/proc/sys/${sysctlFile(key)}`, String(value)],
    what: `set sysctl ${key}=${value}`,
    from: pointer('linux', 'sysctl', key),
  }));
}
