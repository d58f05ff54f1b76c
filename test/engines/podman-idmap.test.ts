// Podman 4.3's `-v SRC:DST:idmap` in a user-namespaced container (--uidmap/--gidmap), with
// berth as the OCI runtime. Podman writes the mount with the "idmap" option and no mappings of
// its own: the runtime takes the container's user namespace (runc 1.2's rule). runc 1.1.5, the
// other runtime here, has no idmapped mounts, so this file drives berth only.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBusyboxRootfs } from '../helpers/rootfs.js';
import { DEFAULT_ROOT } from '../../src/cli/globals.js';
import { PODMAN_PROGRAMS, PrivatePodman } from './helpers/podman.js';
import { announceSkip, hostPathsMadeBy, removeCgroupTree, runtimes, whyNot } from './helpers/env.js';

const why = whyNot(PODMAN_PROGRAMS);
announceSkip('podman idmap', why);

describe.skipIf(!!why)(`podman -v ...:idmap with berth${why ? ` (skipped: ${why})` : ''}`, () => {
  const berth = runtimes().filter((rt) => rt.name === 'berth');
  let pm: PrivatePodman;
  let work: string;
  const hostPaths = hostPathsMadeBy(['/var/lib/containers'], [DEFAULT_ROOT]);

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'berth-podman-idmap-'));
    // The plain bind's source is opened from inside the user namespace: reachable by its root.
    chmodSync(work, 0o755);
    const rootfs = makeBusyboxRootfs(work);
    // Mount points made beforehand: the image's dirs belong to the host's root, not the container's.
    mkdirSync(join(rootfs, 'data'));
    mkdirSync(join(rootfs, 'plain'));
    pm = new PrivatePodman(berth);
    pm.importRootfs(rootfs);
  });

  afterAll(() => {
    pm?.stop();
    if (pm) removeCgroupTree(pm.cgroupParent);
    if (work) rmSync(work, { recursive: true, force: true });
    hostPaths.remove();
  });

  it('a volume owned by the host root reads as root inside; what the container writes lands as the host root', () => {
    const vol = join(work, 'vol');
    mkdirSync(vol);
    writeFileSync(join(vol, 'f'), 'host\n');
    const script = 'stat -c %u:%g /data/f /plain/f; echo new > /data/new; grep -E " /(data|plain) " /proc/self/mountinfo';
    const r = pm.podman([
      'run', '--rm', ...pm.runFlags(berth[0]!),
      '--uidmap', '0:200000:65536', '--gidmap', '0:200000:65536',
      '-v', `${vol}:/data:idmap`, '-v', `${vol}:/plain`,
      pm.image, '/bin/sh', '-c', script,
    ]);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.trim().split('\n');
    // Without idmap the host root is nobody in the container's user namespace.
    expect(lines.slice(0, 2)).toEqual(['0:0', '65534:65534']);
    const opts = (dest: string) => lines.slice(2).find((l) => l.split(' ')[4] === dest)?.split(' ')[5]?.split(',') ?? [];
    expect(opts('/data')).toContain('idmapped');
    expect(opts('/plain')).not.toContain('idmapped');
    const st = statSync(join(vol, 'new'));
    expect(`${st.uid}:${st.gid}`).toBe('0:0');
  });
});
