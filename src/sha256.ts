/**
 * SHA-256 in hex. Under Bun its native hasher: no module to load (node:crypto costs Bun 15-30 ms
 * to load, more than a `state` takes or the seccomp compile the filter cache saves). On Node
 * (bin/berth-node, the tests) node:crypto, loaded synchronously on first use.
 */
interface Hasher {
  update(data: string | Uint8Array): Hasher;
  digest(encoding: 'hex'): string;
}
const BunHasher = (globalThis as { Bun?: { CryptoHasher: new (algorithm: string) => Hasher } }).Bun?.CryptoHasher;

export function sha256(data: string | Uint8Array): string {
  if (BunHasher) return new BunHasher('sha256').update(data).digest('hex');
  const { createHash } = process.getBuiltinModule('node:crypto') as typeof import('node:crypto');
  return createHash('sha256').update(data).digest('hex');
}
