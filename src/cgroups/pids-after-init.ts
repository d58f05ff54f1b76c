/**
 * linux.resources.pids is applied once the container's init is up, not with the other resources
 * when the cgroup is made: berth-init's stage A is in the cgroup when it clones stage B (and the
 * helpers of idmapped mounts), so a limit as low as the spec allows (0, applied as 1:
 * units.ts pidsLimit) would stop the init itself. runc likewise sets its resources after its
 * init's forks. The pids controller limits forks only, never a process joining, so `exec` still
 * joins a full cgroup. Pure.
 */
export function splitPids(resources: any): { atCreate: any; afterInit?: { pids: unknown } } {
  if (resources?.pids === undefined) return { atCreate: resources };
  const { pids, ...rest } = resources;
  return { atCreate: rest, afterInit: { pids } };
}
