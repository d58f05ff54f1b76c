/**
 * Idmapped mounts (mount options "idmap"/"ridmap", mounts' uidMappings/gidMappings): what berth
 * can do on this host. berth does not implement them yet (src/plan/rootfs.ts refuses them), so
 * they are reported as not enabled, the same as `features` says.
 */
export function probeIdmap(): { enabled: boolean; reason?: string } {
  return { enabled: false, reason: 'berth does not implement idmapped mounts yet (mounts with idmap options are refused)' };
}
