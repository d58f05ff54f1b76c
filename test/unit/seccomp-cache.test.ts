// The compiled-filter cache (src/seccomp/cache.ts): what the key covers, the entry format and its
// checks, eviction, and the entries and dirs it refuses to trust. Real files in a temp dir.
import { describe, it, expect, afterEach } from 'vitest';
import { chmodSync, chownSync, existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CACHE_DIR, FilterCache, cacheKey, decodeEntry, encodeEntry, type CompiledFilter, type KeyParts } from '../../src/seccomp/cache.js';
import { seccompFilterPlan } from '../../src/seccomp/plan.js';

const PROFILE = {
  defaultAction: 'SCMP_ACT_ERRNO',
  architectures: ['SCMP_ARCH_X86_64'],
  syscalls: [
    { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' },
    { names: ['kill'], action: 'SCMP_ACT_ALLOW', args: [{ index: 1, value: 10, op: 'SCMP_CMP_NE' }] },
  ],
};

function parts(profile: any, more: Partial<KeyParts> = {}): KeyParts {
  const p = seccompFilterPlan(profile);
  return { input: p.input, flags: p.flags, notify: p.notify, libseccompVersion: '2.5.4', arch: 'x64', build: '0.1.0 abc', ...more };
}

const FILTER: CompiledFilter = { program: Buffer.alloc(8 * 5, 7), skippedRules: [1], skippedArchitectures: ['loongarch64'] };
const isRoot = (process.getuid?.() ?? 1) === 0;

let dirs: string[] = [];
const root = () => {
  const d = mkdtempSync(join(tmpdir(), 'berth-cache-'));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function opened(r: string, o: { maxEntries?: number } = {}): FilterCache {
  const c = FilterCache.open(r, o);
  if (typeof c === 'string') throw new Error(c);
  return c;
}

describe('cache key', () => {
  const base = cacheKey(parts(PROFILE));
  it('is stable for the same profile, and normalised (how the config spells a value does not matter)', () => {
    expect(cacheKey(parts(structuredClone(PROFILE)))).toBe(base);
    const asString = structuredClone(PROFILE) as any;
    asString.syscalls[1].args[0].value = '10'; // a 64-bit value as config.json's exact decimal
    expect(cacheKey(parts(asString))).toBe(base);
  });
  it.each([
    ['a syscall added', { ...PROFILE, syscalls: [...PROFILE.syscalls, { names: ['open'], action: 'SCMP_ACT_ALLOW' }] }],
    ['the default action', { ...PROFILE, defaultAction: 'SCMP_ACT_KILL_PROCESS' }],
    ['the default errno', { ...PROFILE, defaultErrnoRet: 38 }],
    ['a rule errno', { ...PROFILE, syscalls: [{ names: ['read'], action: 'SCMP_ACT_ERRNO', errnoRet: 5 }] }],
    ['a rule errno value only', { ...PROFILE, syscalls: [{ names: ['read'], action: 'SCMP_ACT_ERRNO', errnoRet: 6 }] }],
    ['an argument value', { ...PROFILE, syscalls: [{ ...PROFILE.syscalls[1], args: [{ index: 1, value: 9, op: 'SCMP_CMP_NE' }] }] }],
    ['an operator', { ...PROFILE, syscalls: [{ ...PROFILE.syscalls[1], args: [{ index: 1, value: 10, op: 'SCMP_CMP_EQ' }] }] }],
    ['the architectures', { ...PROFILE, architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86'] }],
    ['a flag', { ...PROFILE, flags: ['SECCOMP_FILTER_FLAG_LOG'] }],
    ['a NOTIFY rule', { ...PROFILE, listenerPath: '/run/agent.sock', syscalls: [...PROFILE.syscalls, { names: ['getppid'], action: 'SCMP_ACT_NOTIFY' }] }],
  ])('changes with %s', (_what, profile) => {
    expect(cacheKey(parts(profile))).not.toBe(base);
  });
  it('changes with the errno values of two rules that are otherwise equal', () => {
    const e = (n: number) => ({ ...PROFILE, syscalls: [{ names: ['read'], action: 'SCMP_ACT_ERRNO', errnoRet: n }] });
    expect(cacheKey(parts(e(5)))).not.toBe(cacheKey(parts(e(6))));
  });
  it.each([
    ['libseccomp version', { libseccompVersion: '2.6.0' }],
    ['architecture', { arch: 'arm64' }],
    ['berth build', { build: '0.1.0 def' }],
    ['flags', { flags: 4 }],
    ['notify', { notify: true }],
  ] as [string, Partial<KeyParts>][])('changes with the %s', (_what, more) => {
    expect(cacheKey(parts(PROFILE, more))).not.toBe(base);
  });
  it('tells 64-bit argument values apart', () => {
    const big = (v: string) => ({ ...PROFILE, syscalls: [{ names: ['kill'], action: 'SCMP_ACT_ALLOW', args: [{ index: 1, value: v, op: 'SCMP_CMP_EQ' }] }] });
    expect(cacheKey(parts(big('18446744073709551615')))).not.toBe(cacheKey(parts(big('18446744073709551614'))));
  });
});

describe('entry format', () => {
  const key = 'k'.repeat(64);
  it('round-trips', () => {
    expect(decodeEntry(key, encodeEntry(key, FILTER))).toEqual(FILTER);
  });
  it('refuses a changed byte, a truncated entry, another key, a header of another format', () => {
    const good = encodeEntry(key, FILTER);
    const flipped = Buffer.from(good);
    flipped[flipped.length - 5] ^= 1;
    expect(decodeEntry(key, flipped)).toBe('checksum mismatch');
    expect(decodeEntry(key, good.subarray(0, good.length - 3))).toBe('checksum mismatch');
    expect(decodeEntry(key, good.subarray(0, 20))).toBe('no header');
    expect(decodeEntry('x'.repeat(64), good)).toBe('made for another key');
    expect(decodeEntry(key, Buffer.from(good.toString().replace('berth-seccomp-cache 1', 'berth-seccomp-cache 2')))).toBe('not an entry of this format');
  });
  it('refuses a body that is not a BPF program, even with a matching checksum', () => {
    const odd = encodeEntry(key, { ...FILTER, program: Buffer.alloc(12) });
    expect(decodeEntry(key, odd)).toBe('not a BPF program');
    expect(decodeEntry(key, encodeEntry(key, { ...FILTER, program: Buffer.alloc(0) }))).toBe('not a BPF program');
  });
});

describe('FilterCache', () => {
  it('misses, stores, then hits; the dir is 0700 and the entry 0600', () => {
    const r = root();
    const c = opened(r);
    expect(c.get('a'.repeat(64))).toEqual({ miss: 'no entry' });
    c.put('a'.repeat(64), FILTER);
    expect(c.get('a'.repeat(64))).toEqual({ hit: FILTER });
    c.close();
    expect(statSync(join(r, CACHE_DIR)).mode & 0o777).toBe(0o700);
    expect(statSync(join(r, CACHE_DIR, 'a'.repeat(64))).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(r, CACHE_DIR))).toEqual(['a'.repeat(64)]); // no temp file left
  });

  it('makes the state root when it does not exist yet', () => {
    const r = join(root(), 'state');
    const c = opened(r);
    c.close();
    expect(existsSync(join(r, CACHE_DIR))).toBe(true);
  });

  it('ignores a poisoned entry (checksum), a truncated one and one renamed from another key', () => {
    const r = root();
    const c = opened(r);
    const k1 = '1'.repeat(64);
    const k2 = '2'.repeat(64);
    c.put(k1, FILTER);
    const file = join(r, CACHE_DIR, k1);
    const text = readFileSync(file, 'utf8');
    // An allow-everything program under the old checksum.
    const allow = Buffer.from([6, 0, 0, 0, 0, 0, 0xff, 0x7f]).toString('base64');
    writeFileSync(file, text.replace(/"program":"[^"]*"/, `"program":"${allow}"`), { mode: 0o600 });
    expect(c.get(k1)).toEqual({ miss: 'entry ignored: checksum mismatch' });
    writeFileSync(file, text.slice(0, text.length - 10), { mode: 0o600 });
    expect(c.get(k1)).toEqual({ miss: 'entry ignored: checksum mismatch' });
    writeFileSync(join(r, CACHE_DIR, k2), text, { mode: 0o600 });
    expect(c.get(k2)).toEqual({ miss: 'entry ignored: made for another key' });
    // A rebuild replaces the bad entry.
    c.put(k1, FILTER);
    expect(c.get(k1)).toEqual({ hit: FILTER });
    c.close();
  });

  it('ignores an entry that is a symlink, a hard link, group-writable or not a file', () => {
    const r = root();
    const c = opened(r);
    const good = join(r, 'elsewhere');
    writeFileSync(good, encodeEntry('3'.repeat(64), FILTER), { mode: 0o600 });
    symlinkSync(good, join(r, CACHE_DIR, '3'.repeat(64)));
    expect((c.get('3'.repeat(64)) as any).miss).toMatch(/not opened \(ELOOP\)/);
    const k4 = '4'.repeat(64);
    writeFileSync(join(r, 'other'), encodeEntry(k4, FILTER), { mode: 0o600 });
    linkSync(join(r, 'other'), join(r, CACHE_DIR, k4));
    expect(c.get(k4)).toEqual({ miss: 'entry ignored: has other links' });
    const k5 = '5'.repeat(64);
    c.put(k5, FILTER);
    chmodSync(join(r, CACHE_DIR, k5), 0o620);
    expect(c.get(k5)).toEqual({ miss: 'entry ignored: writable by group or others' });
    mkdirSync(join(r, CACHE_DIR, '6'.repeat(64)));
    expect(c.get('6'.repeat(64))).toEqual({ miss: 'entry ignored: not a regular file' });
    c.close();
  });

  it.skipIf(!isRoot)('ignores an entry owned by another user', () => {
    const r = root();
    const c = opened(r);
    const k = '7'.repeat(64);
    c.put(k, FILTER);
    chownSync(join(r, CACHE_DIR, k), 65534, 65534);
    expect(c.get(k)).toEqual({ miss: 'entry ignored: owned by uid 65534, not 0' });
    c.close();
  });

  it('is not used when its dir is a symlink, too open, or owned by another user', () => {
    const r = root();
    const target = join(r, 'target');
    mkdirSync(target, { mode: 0o700 });
    symlinkSync(target, join(r, CACHE_DIR));
    expect(FilterCache.open(r)).toMatch(/not a directory \(a symlink or a file\)/);
    expect(readdirSync(target)).toEqual([]);
    const r2 = root();
    mkdirSync(join(r2, CACHE_DIR), { mode: 0o755 });
    chmodSync(join(r2, CACHE_DIR), 0o755);
    expect(FilterCache.open(r2)).toMatch(/mode 755, not 700/);
    const r3 = root();
    opened(r3).close();
    const me = process.geteuid?.() ?? 0;
    expect(FilterCache.open(r3, { uid: me + 1 })).toMatch(new RegExp(`owned by uid ${me}, not ${me + 1}`));
  });

  it('evicts the least recently used entries beyond its bound, and temp files of dead writers', () => {
    const r = root();
    const c = opened(r, { maxEntries: 3 });
    const keys = ['a', 'b', 'c', 'd'].map((x) => x.repeat(64));
    const dir = join(r, CACHE_DIR);
    keys.slice(0, 3).forEach((k, i) => {
      c.put(k, FILTER);
      utimesSync(join(dir, k), 1000 + i, 1000 + i); // a, b, c: oldest first
    });
    expect(c.get(keys[0]!)).toHaveProperty('hit'); // a used now: b is the oldest
    writeFileSync(join(dir, '.tmp.1.dead'), 'x');
    utimesSync(join(dir, '.tmp.1.dead'), 1000, 1000);
    c.put(keys[3]!, FILTER);
    expect(readdirSync(dir).sort()).toEqual([keys[0], keys[2], keys[3]].sort());
    c.close();
  });
});
