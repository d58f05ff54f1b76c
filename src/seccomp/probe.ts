import { native, type Native } from '../native/addon.js';
import { ACTIONS, ARCHITECTURES, FLAGS, libseccompArch, probeValue } from './constants.js';

/** What this kernel and libseccomp support, by config-linux.md name. */
export interface SeccompSupport {
  actions: Set<string>;
  flags: Set<string>;
  architectures: Set<string>;
  libseccompVersion: string;
}

let cached: SeccompSupport | undefined;

/**
 * Ask the kernel (SECCOMP_GET_ACTION_AVAIL; flags through a seccomp() call that fails with
 * EFAULT once the flags are accepted, loading nothing) and libseccomp (architecture names).
 * A few dozen syscalls, once per process.
 */
export function seccompSupport(n: Pick<Native, 'seccompProbe'> = native()): SeccompSupport {
  if (cached) return cached;
  const actions = Object.keys(ACTIONS);
  const flags = Object.keys(FLAGS);
  const r = n.seccompProbe({
    actions: actions.map((a) => ACTIONS[a]!.ret),
    flags: flags.map(probeValue),
    architectures: ARCHITECTURES.map(libseccompArch),
  });
  cached = {
    actions: new Set(actions.filter((_, i) => r.actions[i])),
    flags: new Set(flags.filter((_, i) => r.flags[i])),
    architectures: new Set(ARCHITECTURES.filter((_, i) => r.architectures[i])),
    libseccompVersion: r.version,
  };
  return cached;
}

/**
 * features-linux.md "Seccomp": what this kernel and libseccomp really support. Without the addon
 * (a source checkout that was not built) seccomp cannot work and is reported as not enabled.
 */
export function seccompFeatures(n?: Pick<Native, 'seccompProbe'>): Record<string, unknown> {
  let s: SeccompSupport;
  try {
    s = seccompSupport(n ?? native());
  } catch (e: any) {
    if (e?.code === 'MODULE_NOT_FOUND' || e?.code === 'ERR_DLOPEN_FAILED') return { enabled: false };
    throw e;
  }
  return {
    enabled: true,
    actions: Object.keys(ACTIONS).filter((a) => s.actions.has(a)),
    operators: ['SCMP_CMP_NE', 'SCMP_CMP_LT', 'SCMP_CMP_LE', 'SCMP_CMP_EQ', 'SCMP_CMP_GE', 'SCMP_CMP_GT', 'SCMP_CMP_MASKED_EQ'],
    archs: ARCHITECTURES.filter((a) => s.architectures.has(a)),
    knownFlags: Object.keys(FLAGS),
    supportedFlags: Object.keys(FLAGS).filter((f) => s.flags.has(f)),
  };
}
