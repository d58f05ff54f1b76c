import { CAPABILITIES } from '../plan/capabilities.js';
import { SPEC_VERSION, BERTH_VERSION, buildInfo } from '../version.js';
import { seccompFeatures, seccompSupport } from '../seccomp/probe.js';
import { probeLsm, type LsmHost } from '../host/lsm.js';
import { probeIdmap, type IdmapSupport } from '../host/idmap.js';
import { probeCriu } from '../host/criu.js';
import { MPOL_FLAGS, MPOL_MODES } from '../plan/memory-policy.js';
import { currentInvoker } from '../host/invoker.js';
import { MOUNT_OPTION_NAMES } from '../plan/mount-options.js';
import { NAMESPACES } from '../plan/linux.js';
import { ANNOTATIONS, HOOK_NAMES, honoured } from '../spec/ledger.js';

/**
 * The OCI features document (features.md, features-linux.md): what berth really implements, from
 * the same facts as the field ledger (src/spec/ledger.ts) and the code's own tables (the mount
 * options the parser acts on, memoryPolicy's modes and flags); what the host offers where the
 * spec asks for it (LSMs, seccomp, idmapped mounts). test/unit/features-ledger.test.ts checks
 * each list against the ledger and the code.
 */
export function features(lsm: LsmHost = probeLsm(), idmap: IdmapSupport = probeIdmap()): Record<string, unknown> {
  const seccomp = seccompFeatures();
  return {
    ociVersionMin: '1.0.0',
    ociVersionMax: SPEC_VERSION,
    hooks: HOOK_NAMES.filter((h) => honoured(`/hooks/${h}`)),
    mountOptions: [...MOUNT_OPTION_NAMES],
    linux: {
      namespaces: Object.keys(NAMESPACES).sort(),
      capabilities: [...CAPABILITIES],
      // v2: the cgroup tests pass in the pure-cgroup2 VM lane (scripts/cgroup2-vm/, docs/CGROUPS.md);
      // systemdUser: --systemd-cgroup as a user asks the user's own manager (rootless-systemd.test.ts).
      cgroup: { v1: true, v2: true, systemd: true, systemdUser: true, rdma: honoured('/linux/resources/rdma') },
      seccomp,
      // An LSM the host runs: berth applies process.apparmorProfile / selinuxLabel there (and
      // refuses them where it does not run, host/lsm.ts).
      apparmor: { enabled: lsm.apparmor },
      selinux: { enabled: lsm.selinux },
      // Irrelevant to the host (features-linux.md): what berth implements (src/intelrdt/).
      intelRdt: { enabled: honoured('/linux/intelRdt'), schemata: honoured('/linux/intelRdt/schemata'), monitoring: honoured('/linux/intelRdt/enableMonitoring') },
      // idmapped bind mounts (mounts[].uidMappings/gidMappings, idmap/ridmap) where the kernel
      // takes mount_setattr(MOUNT_ATTR_IDMAP) (host/idmap.ts).
      mountExtensions: { idmap: { enabled: idmap.enabled } },
      // Moving host devices (src/netdev/) needs root in the host's user namespace, as runc.
      netDevices: { enabled: honoured('/linux/netDevices') && netDevicesMovable() },
      // linux.memoryPolicy: set_mempolicy(2) in the init and each exec (plan/memory-policy.ts).
      ...(honoured('/linux/memoryPolicy') ? { memoryPolicy: { modes: Object.keys(MPOL_MODES).sort(), flags: Object.keys(MPOL_FLAGS).sort() } } : {}),
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
    // Annotations that change what berth does (the ledger's ANNOTATIONS; "." ends a prefix).
    potentiallyUnsafeConfigAnnotations: ANNOTATIONS.map((a) => a.name),
  };
}

/** Root in the host's user namespace: what moving host network devices needs (netdev/host.ts refuses the rest). */
function netDevicesMovable(): boolean {
  const who = currentInvoker();
  return who.euid === 0 && !who.inUserns;
}
