/**
 * SHA-256 in hex. Under Bun its native hasher: node:crypto's module costs 15-30 ms to load there,
 * more than the seccomp compile the cache saves. On Node (the test lane) node:crypto, loaded on
 * first use.
 */
export function sha256(data: string | Uint8Array): string {
  const bun = (globalThis as { Bun?: { CryptoHasher: new (alg: string) => { update(d: string | Uint8Array): { digest(enc: 'hex'): string } } } }).Bun;
  if (bun) return new bun.CryptoHasher('sha256').update(data).digest('hex');
  const { createHash } = process.getBuiltinModule('node:crypto') as typeof import('node:crypto');
  return createHash('sha256').update(data).digest('hex');
}
