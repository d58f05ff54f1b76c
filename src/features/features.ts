import { CAPABILITIES } from '../plan/capabilities.js';
import { SPEC_VERSION, BERTH_VERSION, buildInfo } from '../version.js';
import { seccompFeatures, seccompSupport } from '../seccomp/probe.js';
import { probeLsm, type LsmHost } from '../host/lsm.js';
import { probeIdmap, type IdmapSupport } from '../host/idmap.js';
import { probeCriu } from '../host/criu.js';
import { MPOL_FLAGS, MPOL_MODES } from '../plan/memory-policy.js';
import { currentInvoker } from '../host/invoker.js';

/** Mount options parseMountOptions understands (src/plan/mount-options.ts). */
export const MOUNT_OPTIONS = [
  'acl', 'async', 'atime', 'bind', 'defaults', 'dev', 'diratime', 'dirsync', 'exec', 'idmap', 'iversion', 'lazytime',
  'loud', 'mand', 'noacl', 'noatime', 'nodev', 'nodiratime', 'noexec', 'noiversion', 'nolazytime', 'nomand',
  'norelatime', 'nostrictatime', 'nosuid', 'nosymfollow', 'private', 'ratime', 'rbind', 'rdev',
  'rdiratime', 'relatime', 'remount', 'rexec', 'ridmap', 'rnoatime', 'rnodev', 'rnodiratime', 'rnoexec',
  'rnorelatime', 'rnostrictatime', 'rnosuid', 'rnosymfollow', 'ro', 'rprivate', 'rrelatime', 'rro',
  'rrw', 'rshared', 'rslave', 'rstrictatime', 'rsuid', 'rsymfollow', 'runbindable', 'rw', 'shared',
  'silent', 'slave', 'strictatime', 'suid', 'symfollow', 'sync', 'tmpcopyup', 'unbindable',
];

/**
 * The OCI features document (features.md, features-linux.md): what berth really implements.
 * Keep in step with the code: a feature is listed only when it works and is tested.
 */
export function features(lsm: LsmHost = probeLsm(), idmap: IdmapSupport = probeIdmap()): Record<string, unknown> {
  const seccomp = seccompFeatures();
  return {
    ociVersionMin: '1.0.0',
    ociVersionMax: SPEC_VERSION,
    hooks: ['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart', 'poststop'],
    mountOptions: MOUNT_OPTIONS,
    linux: {
      namespaces: ['cgroup', 'ipc', 'mount', 'network', 'pid', 'time', 'user', 'uts'],
      capabilities: [...CAPABILITIES],
      // v2: the cgroup tests pass in the pure-cgroup2 VM lane (scripts/cgroup2-vm/, docs/CGROUPS.md).
      cgroup: { v1: true, v2: true, systemd: true, systemdUser: false, rdma: false },
      seccomp,
      // An LSM the host runs: berth applies process.apparmorProfile / selinuxLabel there (and
      // refuses them where it does not run, host/lsm.ts).
      apparmor: { enabled: lsm.apparmor },
      selinux: { enabled: lsm.selinux },
      intelRdt: { enabled: false },
      // idmapped bind mounts (mounts[].uidMappings/gidMappings, idmap/ridmap) where the kernel
      // takes mount_setattr(MOUNT_ATTR_IDMAP) (host/idmap.ts).
      mountExtensions: { idmap: { enabled: idmap.enabled } },
      // Moving host devices (src/netdev/) needs root in the host's user namespace, as runc.
      netDevices: { enabled: netDevicesMovable() },
      // linux.memoryPolicy: set_mempolicy(2) in the init and each exec (plan/memory-policy.ts).
      memoryPolicy: { modes: Object.keys(MPOL_MODES).sort(), flags: Object.keys(MPOL_FLAGS).sort() },
    },
    annotations: {
      'io.github.berth.version': BERTH_VERSION,
      'io.github.berth.commit': buildInfo().commit,
      'org.opencontainers.runtime-spec.version': SPEC_VERSION,
      // checkpoint/restore drive the criu binary (docs/CHECKPOINT.md): enabled when it is in PATH
      // and `criu check` passes on this kernel (the probe `berth check` reports).
      'io.github.berth.checkpoint.enabled': String(probeCriu().ok),
      ...(seccomp.enabled ? { 'io.github.seccomp.libseccomp.version': seccompSupport().libseccompVersion } : {}),
    },
  };
}

/** Root in the host's user namespace: what moving host network devices needs (netdev/host.ts refuses the rest). */
function netDevicesMovable(): boolean {
  const who = currentInvoker();
  return who.euid === 0 && !who.inUserns;
}
