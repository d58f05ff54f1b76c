/**
 * linux.resources.unified (v2 only): each key is a file of the container's cgroup, written as
 * given (one write per line of a multi-line value), after every converted field so that it wins.
 * Keys are checked: "CONTROLLER.NAME" with no "/" and no "..", the controller enabled in the
 * cgroup (or "cgroup"), and never the membership/kill files (cgroup.procs, cgroup.threads,
 * cgroup.kill, cgroup.subtree_control).
 */
import { planError, write } from '../plan.js';
import type { CgroupWrite, LinuxResources, PlanContext } from '../types.js';

const FORBIDDEN = new Set(['cgroup.procs', 'cgroup.threads', 'cgroup.kill', 'cgroup.subtree_control']);

export function planUnified(r: LinuxResources, ctx: PlanContext): CgroupWrite[] {
  const out: CgroupWrite[] = [];
  for (const [key, value] of Object.entries(r.unified ?? {})) {
    const field = `linux.resources.unified.${key}`;
    if (key.includes('/') || key.includes('..') || key.includes('\0')) {
      throw planError(field, 'a unified key must be a file name (no "/" or "..")');
    }
    const m = /^([a-z][a-z0-9_]*)\.[A-Za-z0-9_.-]+$/.exec(key);
    if (!m) throw planError(field, 'a unified key must have the form CONTROLLER.PARAMETER');
    if (FORBIDDEN.has(key)) throw planError(field, `${key} cannot be set as a resource`);
    const controller = m[1]!;
    if (controller !== 'cgroup' && !ctx.controllers.has(controller)) {
      throw planError(field, `controller "${controller}" is not available in this cgroup (enabled: ${[...ctx.controllers].join(' ') || 'none'})`);
    }
    for (const line of value.split('\n')) {
      if (line.trim() !== '') out.push(write('', key, line, field));
    }
  }
  return out;
}
