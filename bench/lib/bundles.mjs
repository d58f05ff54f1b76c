// One busybox-static rootfs (as test/helpers/rootfs.ts lays it out) and, per container, a
// bundle dir holding only config.json: berth's default config (`berth spec`; `runc spec` when
// no berth column can) with the given command, no terminal, root.path the shared rootfs
// (read-only) and its own relative cgroupsPath under the bench's parent. ociVersion is 1.0.2
// for every runtime: crun 1.8 refuses berth's default "1.3.0" ("unknown version specified").
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PARENT } from './cgroups.mjs';
import { runSync } from './proc.mjs';

export const BUSYBOX = '/bin/busybox';
const APPLETS = ['sh', 'true', 'sleep', 'cat', 'echo', 'ls', 'ps'];

export class Bundles {
  /** `dir`: the bench's temp dir; `specArgvs`: argv prefixes of runtimes whose `spec` to try, in turn. */
  constructor(dir, specArgvs) {
    this.dir = join(dir, 'bundles');
    mkdirSync(this.dir);
    this.rootfs = join(this.dir, 'rootfs');
    for (const d of ['bin', 'proc', 'sys', 'dev', 'etc', 'tmp', 'root']) mkdirSync(join(this.rootfs, d), { recursive: true });
    copyFileSync(BUSYBOX, join(this.rootfs, 'bin/busybox'));
    chmodSync(join(this.rootfs, 'bin/busybox'), 0o755);
    for (const a of APPLETS) symlinkSync('busybox', join(this.rootfs, 'bin', a));
    writeFileSync(join(this.rootfs, 'etc/passwd'), 'root:x:0:0:root:/root:/bin/sh\n');
    writeFileSync(join(this.rootfs, 'etc/group'), 'root:x:0:\n');
    const errors = [];
    for (const argv of specArgvs) {
      const specDir = mkdtempSync(join(this.dir, 'spec-'));
      try {
        runSync([...argv, 'spec', '--bundle', specDir]);
        this.base = JSON.parse(readFileSync(join(specDir, 'config.json'), 'utf8'));
        this.specBy = argv[0];
        break;
      } catch (e) {
        errors.push(e.message);
      } finally {
        rmSync(specDir, { recursive: true, force: true });
      }
    }
    if (!this.base) throw new Error(`no runtime made a default config: ${errors.join('; ')}`);
    this.base.ociVersion = '1.0.2';
    this.base.process.terminal = false;
    this.base.root = { path: this.rootfs, readonly: true };
  }

  /** A bundle for container `id` running `args` (with `seccomp`: that linux.seccomp); returns its dir. */
  make(id, args, { seccomp } = {}) {
    const dir = join(this.dir, id);
    if (!existsSync(dir)) mkdirSync(dir);
    const c = structuredClone(this.base);
    c.process.args = args;
    c.linux.cgroupsPath = `${PARENT}/${id}`;
    if (seccomp) c.linux.seccomp = seccomp;
    writeFileSync(join(dir, 'config.json'), JSON.stringify(c));
    return dir;
  }
}
