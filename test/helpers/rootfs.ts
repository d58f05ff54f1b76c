import { mkdirSync, copyFileSync, symlinkSync, existsSync, chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Debian's busybox-static; tests that need a rootfs skip when it is missing. */
export const BUSYBOX = '/bin/busybox';

export function haveBusybox(): boolean {
  return existsSync(BUSYBOX);
}

const APPLETS = [
  'sh', 'ls', 'cat', 'echo', 'id', 'sleep', 'true', 'false', 'hostname', 'mount', 'ps', 'grep',
  'readlink', 'stat', 'touch', 'mkdir', 'rm', 'env', 'pwd', 'head', 'wc', 'test', 'kill', 'umount',
  'unshare', 'domainname', 'uname', 'sysctl', 'ln', 'dd', 'nproc',
];

/**
 * Lay out a minimal busybox rootfs in `dir` (made in test setup: no binaries are committed).
 * Returns the rootfs path.
 */
export function makeBusyboxRootfs(dir: string): string {
  const rootfs = join(dir, 'rootfs');
  for (const d of ['bin', 'proc', 'sys', 'dev', 'etc', 'tmp', 'root', 'var', 'run']) {
    mkdirSync(join(rootfs, d), { recursive: true });
  }
  copyFileSync(BUSYBOX, join(rootfs, 'bin/busybox'));
  chmodSync(join(rootfs, 'bin/busybox'), 0o755);
  for (const a of APPLETS) {
    const p = join(rootfs, 'bin', a);
    if (!existsSync(p)) symlinkSync('busybox', p);
  }
  writeFileSync(join(rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/:/bin/false\nalice:x:1000:1000::/tmp:/bin/sh\n');
  writeFileSync(join(rootfs, 'etc/group'), 'root:x:0:\nnogroup:x:65534:\nalice:x:1000:\nstaff:x:50:alice\n');
  chmodSync(join(rootfs, 'tmp'), 0o1777);
  return rootfs;
}
