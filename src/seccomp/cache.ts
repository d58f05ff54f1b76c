import { closeSync, constants, fstatSync, futimesSync, lstatSync, mkdirSync, openSync, readdirSync, readSync, renameSync, unlinkSync, writeSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { SeccompCompileInput } from '../native/addon.js';
import { sha256 } from '../sha256.js';

/**
 * A cache of compiled seccomp filters under the state root (--root), so that `create` skips the
 * libseccomp compile (16-20 ms for a Docker-like profile) for a profile it has compiled before.
 * It must never let a stale or tampered filter load:
 * - the key is a SHA-256 over everything that shapes the BPF (cacheKey);
 * - the dir is `<root>/.seccomp:cache` (no container id can have a colon), a 0700 directory owned
 *   by the runtime's user, opened without following a symlink; a dir that is anything else is
 *   not used at all (the filter is compiled as if there were no cache);
 * - an entry is read through that dir's fd (/proc/self/fd/N/KEY, O_NOFOLLOW), must be a regular
 *   file with one link, owned by the runtime's user, not writable by group or others, at most
 *   MAX_ENTRY_BYTES; its header names the format, the key and a SHA-256 of the body, all checked;
 *   the body must be a well-formed program. Anything else is ignored (a miss) and rebuilt;
 * - entries are written to a temp file and renamed into place (readers see a whole entry or none);
 * - at most MAX_ENTRIES entries: a write evicts the least recently used (a hit touches its mtime).
 */

/** The cache dir's name inside --root. */
export const CACHE_DIR = '.seccomp:cache';
/** Entry format; part of every key and header. */
export const CACHE_FORMAT = 1;
/**
 * Revision of berth's filter compiler (src/seccomp/plan.ts, the addon's seccompCompile and its
 * ENOSYS stub): bump it whenever they change the program they make for the same input. The key
 * also covers berth's version and build commit, so a new build never reads an old one's entries.
 */
export const COMPILER_REVISION = 1;
export const MAX_ENTRIES = 64;
/** A filter holds at most 4096 instructions (BPF_MAXINSNS); its entry is about 45 KB. */
export const MAX_ENTRY_BYTES = 256 * 1024;
const MAX_INSTRUCTIONS = 4096;
const MAGIC = 'berth-seccomp-cache';
/** A temp file older than this is a writer that died: removed at the next write. */
const STALE_TEMP_MS = 60_000;

/** What the addon's seccompCompile returns, as the cache keeps it. */
export interface CompiledFilter {
  program: Buffer;
  skippedRules: number[];
  skippedArchitectures: string[];
}

/** Everything that decides the compiled program. */
export interface KeyParts {
  /** The normalised filter: linux.seccomp with actions, errnos, operators, architectures as numbers and names. */
  input: SeccompCompileInput;
  /** seccomp(2) flags of the SECCOMP op (NEW_LISTENER and TSYNC_ESRCH included). */
  flags: number;
  notify: boolean;
  libseccompVersion: string;
  /** The native architecture (libseccomp always adds it to the filter). */
  arch: string;
  /** berth's version and build commit. */
  build: string;
}

/** JSON with bigints (the 64-bit argument values) as "123n", so no two inputs share a text. */
function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x) => (typeof x === 'bigint' ? `${x}n` : x));
}

export function cacheKey(p: KeyParts): string {
  return sha256(canonical({ format: CACHE_FORMAT, compiler: COMPILER_REVISION, ...p }));
}

/** An entry's bytes: one header line (magic, format, key, SHA-256 of the body), then the body (JSON). */
export function encodeEntry(key: string, f: CompiledFilter): Buffer {
  const body = JSON.stringify({ program: f.program.toString('base64'), skippedRules: f.skippedRules, skippedArchitectures: f.skippedArchitectures });
  return Buffer.from(`${MAGIC} ${CACHE_FORMAT} ${key} ${sha256(body)}\n${body}`);
}

/** The entry's filter, or why it is not one (a string). */
export function decodeEntry(key: string, bytes: Buffer): CompiledFilter | string {
  const nl = bytes.indexOf(0x0a);
  if (nl < 0) return 'no header';
  const [magic, format, k, sum, ...rest] = bytes.subarray(0, nl).toString('latin1').split(' ');
  if (magic !== MAGIC || format !== String(CACHE_FORMAT) || rest.length) return 'not an entry of this format';
  if (k !== key) return 'made for another key';
  const body = bytes.subarray(nl + 1);
  if (sha256(body) !== sum) return 'checksum mismatch';
  let o: any;
  try {
    o = JSON.parse(body.toString('utf8'));
  } catch {
    return 'body is not JSON';
  }
  if (typeof o?.program !== 'string' || !Array.isArray(o.skippedRules) || !Array.isArray(o.skippedArchitectures)) return 'malformed body';
  if (!o.skippedRules.every((i: unknown) => Number.isInteger(i) && (i as number) >= 0) || !o.skippedArchitectures.every((a: unknown) => typeof a === 'string')) return 'malformed body';
  const program = Buffer.from(o.program, 'base64');
  if (program.length === 0 || program.length % 8 !== 0 || program.length / 8 > MAX_INSTRUCTIONS) return 'not a BPF program';
  return { program, skippedRules: o.skippedRules, skippedArchitectures: o.skippedArchitectures };
}

/** Why a file cannot be trusted as an entry (undefined: it can). */
export function entryStatProblem(st: Stats, uid: number): string | undefined {
  if (!st.isFile()) return 'not a regular file';
  if (st.nlink !== 1) return 'has other links';
  if (st.uid !== uid) return `owned by uid ${st.uid}, not ${uid}`;
  if (st.mode & 0o022) return 'writable by group or others';
  if (st.size > MAX_ENTRY_BYTES) return 'too large';
  return undefined;
}

/** Why a dir cannot hold the cache (undefined: it can). */
export function dirStatProblem(st: Stats, uid: number): string | undefined {
  if (!st.isDirectory()) return 'not a directory';
  if (st.uid !== uid) return `owned by uid ${st.uid}, not ${uid}`;
  if (st.mode & 0o077) return `mode ${(st.mode & 0o777).toString(8)}, not 700`;
  return undefined;
}

export type Lookup = { hit: CompiledFilter } | { miss: string };

export class FilterCache {
  private dirFd: number;

  private constructor(readonly dir: string, fd: number, private readonly uid: number, private readonly maxEntries: number) {
    this.dirFd = fd;
  }

  /**
   * The cache under `root` (the dir made 0700 when missing; `root` made as the state root is),
   * or why it cannot be used. Its dir fd stays open until close().
   */
  static open(root: string, o: { uid?: number; maxEntries?: number } = {}): FilterCache | string {
    const uid = o.uid ?? process.geteuid?.() ?? 0;
    const dir = join(root, CACHE_DIR);
    const flags = constants.O_RDONLY | constants.O_DIRECTORY | constants.O_NOFOLLOW;
    let fd: number;
    try {
      fd = openSync(dir, flags);
    } catch (e: any) {
      if (e?.code !== 'ENOENT') return e?.code === 'ELOOP' || e?.code === 'ENOTDIR' ? `${dir}: not a directory (a symlink or a file)` : `${dir}: ${e?.message ?? e}`;
      try {
        mkdirSync(root, { recursive: true, mode: 0o711 });
        mkdirSync(dir, { mode: 0o700 });
      } catch (e2: any) {
        if (e2?.code !== 'EEXIST') return `${dir}: ${e2?.message ?? e2}`;
      }
      try {
        fd = openSync(dir, flags);
      } catch (e3: any) {
        return `${dir}: ${e3?.message ?? e3}`;
      }
    }
    const why = dirStatProblem(fstatSync(fd), uid);
    if (why) {
      closeSync(fd);
      return `${dir}: ${why}`;
    }
    return new FilterCache(dir, fd, uid, o.maxEntries ?? MAX_ENTRIES);
  }

  /** A path inside the cache dir that resolves through its fd, whatever happens to the name. */
  private at(name: string): string {
    return `/proc/self/fd/${this.dirFd}/${name}`;
  }

  get(key: string): Lookup {
    let fd: number;
    try {
      fd = openSync(this.at(key), constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    } catch (e: any) {
      return { miss: e?.code === 'ENOENT' ? 'no entry' : `entry not opened (${e?.code ?? e})` };
    }
    try {
      const st = fstatSync(fd);
      const why = entryStatProblem(st, this.uid);
      if (why) return { miss: `entry ignored: ${why}` };
      const buf = Buffer.alloc(st.size);
      let n = 0;
      while (n < buf.length) {
        const r = readSync(fd, buf, n, buf.length - n, n);
        if (r === 0) break;
        n += r;
      }
      const f = decodeEntry(key, buf.subarray(0, n));
      if (typeof f === 'string') return { miss: `entry ignored: ${f}` };
      try {
        const t = new Date();
        futimesSync(fd, t, t); // recently used: the last to be evicted
      } catch {
        // a read-only cache still serves
      }
      return { hit: f };
    } finally {
      closeSync(fd);
    }
  }

  /** Store an entry (temp file, then rename over any old one) and evict beyond maxEntries. */
  put(key: string, f: CompiledFilter): void {
    // O_EXCL makes the name ours; pid and a random part keep concurrent writers apart.
    const tmp = `.tmp.${process.pid}.${Math.random().toString(36).slice(2, 10)}`;
    const fd = openSync(this.at(tmp), constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      const bytes = encodeEntry(key, f);
      let n = 0;
      while (n < bytes.length) n += writeSync(fd, bytes, n, bytes.length - n);
    } catch (e) {
      closeSync(fd);
      unlinkSync(this.at(tmp));
      throw e;
    }
    closeSync(fd);
    renameSync(this.at(tmp), this.at(key));
    this.evict();
  }

  /** Remove the least recently used entries beyond maxEntries, and temp files of dead writers. */
  private evict(): void {
    const now = Date.now();
    const entries: { name: string; mtime: number }[] = [];
    for (const name of readdirSync(this.at(''))) {
      let st: Stats;
      try {
        st = lstatSync(this.at(name));
      } catch {
        continue;
      }
      if (name.startsWith('.tmp.')) {
        if (now - st.mtimeMs > STALE_TEMP_MS) this.unlink(name);
      } else entries.push({ name, mtime: st.mtimeMs });
    }
    entries.sort((a, b) => a.mtime - b.mtime);
    for (const e of entries.slice(0, Math.max(0, entries.length - this.maxEntries))) this.unlink(e.name);
  }

  private unlink(name: string): void {
    try {
      unlinkSync(this.at(name));
    } catch {
      // another writer evicted it first
    }
  }

  close(): void {
    if (this.dirFd >= 0) closeSync(this.dirFd);
    this.dirFd = -1;
  }
}
