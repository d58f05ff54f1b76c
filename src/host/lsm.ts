import { existsSync, readFileSync } from 'node:fs';
import { BerthError } from '../errors.js';

/**
 * Linux security modules a process may ask for (process.apparmorProfile, process.selinuxLabel).
 * Asking for one the host does not run is an error before anything is made: a profile that is
 * silently not applied is a container running with less confinement than its config says.
 */
export interface LsmHost {
  apparmor: boolean;
  selinux: boolean;
}

function readTrim(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

/** What this host runs: AppArmor when its module says enabled, SELinux when selinuxfs is mounted. */
export function probeLsm(): LsmHost {
  return {
    apparmor: readTrim('/sys/module/apparmor/parameters/enabled') === 'Y',
    selinux: existsSync('/sys/fs/selinux/enforce'),
  };
}

/**
 * linux.mountLabel is an SELinux context for the mounts (the `context=` option): refused without
 * SELinux, as process.selinuxLabel is (the kernel would refuse the option, or, worse, a runtime
 * that drops it runs the container's mounts unlabelled). Pure given `host`.
 */
export function checkMountLabel(linux: any, file: string, host: LsmHost): void {
  if (linux?.mountLabel && !host.selinux) {
    throw new BerthError(`${file}: /linux/mountLabel: SELinux is not enabled on this host, cannot apply mount label "${linux.mountLabel}"`);
  }
}

/** Throws naming the field when the process asks for an LSM the host lacks. Pure given `host`. */
export function checkLsm(process: any, file: string, host: LsmHost): void {
  if (process?.apparmorProfile && !host.apparmor) {
    throw new BerthError(`${file}: /process/apparmorProfile: AppArmor is not enabled on this host, cannot apply profile "${process.apparmorProfile}"`);
  }
  if (process?.selinuxLabel && !host.selinux) {
    throw new BerthError(`${file}: /process/selinuxLabel: SELinux is not enabled on this host, cannot apply label "${process.selinuxLabel}"`);
  }
}
