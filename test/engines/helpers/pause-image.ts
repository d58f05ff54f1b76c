import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { makeBusyboxRootfs } from '../../helpers/rootfs.js';
import { run } from './env.js';

/** The name the lane's image is imported under (and the CRI plugin's sandbox_image). */
export const LANE_IMAGE = 'berth.test/busybox:cri';

/** The OCI name of this machine's architecture (the image is made from the host's busybox). */
const ARCH = process.arch === 'arm64' ? 'arm64' : 'amd64';

const sha = (b: Buffer | string) => createHash('sha256').update(b).digest('hex');

/**
 * An OCI image archive (oci-layout, index.json, blobs) made here from Debian's busybox-static: one
 * uncompressed layer with the busybox rootfs, an entrypoint that sleeps for ever (what a pause
 * container does), so the same image serves as the sandbox image and the containers' image.
 * Nothing is pulled. Returns the path of the .tar, for `ctr -n k8s.io images import`.
 */
export function buildPauseImage(dir: string): string {
  const rootfs = makeBusyboxRootfs(join(dir, 'fs'));
  const layout = join(dir, 'oci');
  const blobs = join(layout, 'blobs', 'sha256');
  mkdirSync(blobs, { recursive: true });
  const put = (b: Buffer | string) => {
    const d = sha(b);
    writeFileSync(join(blobs, d), b);
    return { digest: `sha256:${d}`, size: Buffer.byteLength(b) };
  };

  const layerTar = join(dir, 'layer.tar');
  const t = run('tar', ['--numeric-owner', '--owner=0', '--group=0', '-C', rootfs, '-cf', layerTar, '.']);
  if (t.status !== 0) throw new Error(`tar: ${t.stderr}`);
  const layerBytes = readFileSync(layerTar);
  const layer = put(layerBytes);

  const config = put(
    JSON.stringify({
      architecture: ARCH,
      os: 'linux',
      config: { Entrypoint: ['/bin/sleep', '2147483647'], Env: ['PATH=/bin'], WorkingDir: '/' },
      rootfs: { type: 'layers', diff_ids: [layer.digest] },
    }),
  );
  const manifest = put(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
      layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }],
    }),
  );
  writeFileSync(join(layout, 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  writeFileSync(
    join(layout, 'index.json'),
    JSON.stringify({
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          ...manifest,
          platform: { architecture: ARCH, os: 'linux' },
          annotations: { 'io.containerd.image.name': LANE_IMAGE, 'org.opencontainers.image.ref.name': 'cri' },
        },
      ],
    }),
  );
  const archive = join(dir, 'image.tar');
  const a = run('tar', ['-C', layout, '-cf', archive, 'oci-layout', 'index.json', 'blobs']);
  if (a.status !== 0) throw new Error(`tar: ${a.stderr}`);
  return archive;
}
