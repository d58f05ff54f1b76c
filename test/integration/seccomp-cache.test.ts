// The compiled-filter cache under --root (src/seccomp/cache.ts) with real containers: --debug says
// miss then hit; a poisoned, a foreign-owned or a stale entry is never loaded (the container's
// filter is really the profile's: a syscall it denies fails inside); a changed profile misses; two
// creates racing on one profile both work.
import { describe, it, expect, afterEach } from 'vitest';
import { spawn } from 'node:child_process';
import { chownSync, closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BERTH, REPO, berth, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../helpers/bundle.js';
import { CACHE_DIR, encodeEntry } from '../../src/seccomp/cache.js';

const run = isRoot() && haveBuild() ? describe : describe.skip;
const PROFILE = JSON.parse(readFileSync(join(REPO, 'src/seccomp/profiles/default.json'), 'utf8'));
/** A one-instruction BPF program: SECCOMP_RET_ALLOW for every syscall. */
const ALLOW_ALL = Buffer.from([6, 0, 0, 0, 0, 0, 0xff, 0x7f]);
/** Denied by the default profile (EPERM); allowed without a filter (the container gets CAP_SYS_ADMIN). */
const SCRIPT = 'mount -t tmpfs none /tmp 2>&1; echo mount=$?; unshare -U true 2>&1; echo unshare=$?';

const cacheLines = (log: string) => readFileSync(log, 'utf8').split('\n').filter((l) => l.includes('filter cache'));
const entries = (b: TestBundle) => readdirSync(join(b.root, CACHE_DIR)).filter((n) => !n.startsWith('.'));

function withProfile(args: string[], profile = PROFILE): TestBundle {
  return makeBundle(args, (c) => {
    for (const set of ['bounding', 'effective', 'permitted']) c.process.capabilities[set].push('CAP_SYS_ADMIN');
    c.linux.seccomp = profile;
  });
}

/** `berth run` with --debug into a fresh log; returns the run and the log's cache lines. */
function debugRun(b: TestBundle) {
  const log = join(b.dir, `berth-${uniqueId('log')}.log`);
  const r = berth(b, ['--debug', '--log', log, 'run', '--bundle', b.dir, uniqueId()]);
  return { r, cache: cacheLines(log), log };
}

/** The filter is the profile's: mount and unshare fail with EPERM inside. */
function expectEnforced(r: { status: number | null; stdout: string; stderr: string }) {
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toMatch(/mount: permission denied \(are you root\?\)\nmount=1\n/);
  expect(r.stdout).toMatch(/Operation not permitted\nunshare=1/);
}

function berthAsync(b: TestBundle, args: string[]): Promise<{ status: number | null; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-out-'));
  const err = openSync(join(dir, 'err'), 'w+');
  const child = spawn(BERTH, ['--root', b.root, ...args], { stdio: ['ignore', 'ignore', err] });
  return new Promise((resolve) => {
    child.on('exit', (status) => {
      closeSync(err);
      const stderr = readFileSync(join(dir, 'err'), 'utf8');
      rmSync(dir, { recursive: true, force: true });
      resolve({ status, stderr });
    });
  });
}

run('seccomp: the compiled-filter cache under --root', () => {
  let b: TestBundle | undefined;
  afterEach(() => {
    b?.cleanup();
    b = undefined;
  });

  it('the first create compiles (debug: miss), the next one loads the stored program (debug: hit), and it is enforced', () => {
    b = withProfile(['sh', '-c', SCRIPT]);
    const first = debugRun(b);
    expectEnforced(first.r);
    expect(first.cache).toHaveLength(1);
    expect(first.cache[0]).toMatch(/seccomp: filter cache miss [0-9a-f]{16} \(no entry\): compiled in [\d.]+ ms and stored/);
    expect(entries(b)).toHaveLength(1);
    const second = debugRun(b);
    expectEnforced(second.r);
    expect(second.cache).toHaveLength(1);
    expect(second.cache[0]).toMatch(/seccomp: filter cache hit [0-9a-f]{16}/);
    // --debug gives each step's duration too.
    const log = readFileSync(second.log, 'utf8');
    expect(log).toMatch(/msg="create [^:]+: seccomp filter took [\d.]+ ms"/);
    expect(log).toMatch(/msg="create [^:]+: init stage A: [^"]* took [\d.]+ ms"/);
    expect(log).toMatch(/msg="run [^:]+: wait for the container process to exit took [\d.]+ ms"/);
  });

  it('a poisoned entry (an allow-all program under the old checksum) is ignored and rebuilt: the profile is enforced', () => {
    b = withProfile(['sh', '-c', SCRIPT]);
    expect(debugRun(b).r.status).toBe(0);
    const [key] = entries(b);
    const file = join(b.root, CACHE_DIR, key!);
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace(/"program":"[^"]*"/, `"program":"${ALLOW_ALL.toString('base64')}"`), { mode: 0o600 });
    const poisoned = debugRun(b);
    expectEnforced(poisoned.r);
    expect(poisoned.cache[0]).toMatch(/filter cache miss [0-9a-f]{16} \(entry ignored: checksum mismatch\): compiled in [\d.]+ ms and stored/);
    expect(readFileSync(file, 'utf8')).toBe(text); // rebuilt
  });

  it('a well-formed allow-all entry owned by another user is not loaded', () => {
    b = withProfile(['sh', '-c', SCRIPT]);
    expect(debugRun(b).r.status).toBe(0);
    const [key] = entries(b);
    const file = join(b.root, CACHE_DIR, key!);
    writeFileSync(file, encodeEntry(key!, { program: ALLOW_ALL, skippedRules: [], skippedArchitectures: [] }), { mode: 0o600 });
    chownSync(file, 65534, 65534);
    const foreign = debugRun(b);
    expectEnforced(foreign.r);
    expect(foreign.cache[0]).toMatch(/\(entry ignored: owned by uid 65534, not 0\): compiled in [\d.]+ ms and stored/);
  });

  it('a changed profile misses, and its own filter applies', () => {
    b = withProfile(['sh', '-c', SCRIPT]);
    expect(debugRun(b).r.status).toBe(0);
    b.config.linux.seccomp = { ...PROFILE, defaultErrnoRet: 38 }; // ENOSYS instead of EPERM
    b.write();
    const changed = debugRun(b);
    expect(changed.cache[0]).toMatch(/filter cache miss [0-9a-f]{16} \(no entry\)/);
    expect(changed.r.stdout).toMatch(/Function not implemented\nunshare=1/);
    expect(entries(b)).toHaveLength(2);
  });

  it('a symlinked cache dir is not used (nothing written through it); the container still runs with its filter', () => {
    b = withProfile(['sh', '-c', SCRIPT]);
    const elsewhere = join(b.dir, 'elsewhere');
    mkdirSync(b.root, { recursive: true });
    mkdirSync(elsewhere, { mode: 0o700 });
    symlinkSync(elsewhere, join(b.root, CACHE_DIR));
    const r = debugRun(b);
    expectEnforced(r.r);
    expect(r.cache[0]).toMatch(/filter cache not used: .*not a directory \(a symlink or a file\)/);
    expect(readdirSync(elsewhere)).toEqual([]);
  });

  it('two creates racing with one profile both work, and leave one good entry', async () => {
    b = withProfile(['sleep', '100']);
    // A second bundle: the same profile and rootfs, a cgroup of its own.
    const second = join(b.dir, 'second');
    mkdirSync(second);
    writeFileSync(join(second, 'config.json'), JSON.stringify({ ...b.config, root: { ...b.config.root, path: b.rootfs }, linux: { ...b.config.linux, cgroupsPath: `${b.config.linux.cgroupsPath}-2` } }));
    const ids = [uniqueId(), uniqueId()];
    const rs = await Promise.all(ids.map((id, i) => berthAsync(b!, ['create', '--bundle', i ? second : b!.dir, id])));
    for (const r of rs) {
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    }
    for (const id of ids) expect(berth(b, ['start', id]).status).toBe(0);
    expect(entries(b)).toHaveLength(1);
    expect(readdirSync(join(b.root, CACHE_DIR))).toHaveLength(1); // no temp file left
    for (const id of ids) berth(b, ['delete', '--force', id]);
    expect(existsSync(join(b.root, ids[0]!))).toBe(false);
    const log = join(b.dir, 'third.log');
    const third = uniqueId();
    expect(berth(b, ['--debug', '--log', log, 'create', '--bundle', b.dir, third]).status).toBe(0);
    expect(cacheLines(log)[0]).toMatch(/filter cache hit/);
    berth(b, ['delete', '--force', third]);
  });
});
