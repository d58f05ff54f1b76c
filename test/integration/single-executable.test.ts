import { describe, it, expect, afterEach } from 'vitest';
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BERTH, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../helpers/bundle.js';

/**
 * bin/berth is one file users copy anywhere (README "Set-up"), and nothing from the caller's
 * directory or environment changes the code it runs. Only for the single executable: the Node
 * build is a checkout's launcher and honours Node's variables by design.
 */
const compiled = !BERTH.endsWith('-node');
const run = isRoot() && haveBuild() && compiled ? describe : describe.skip;

/** A script that, if any JavaScript engine ran it, leaves a marker file. */
function plantHostileFiles(dir: string, marker: string): void {
  const evil = join(dir, 'evil.js');
  writeFileSync(evil, `require('fs').writeFileSync(${JSON.stringify(marker)}, 'ran from ' + process.argv.join(' '));\n`);
  writeFileSync(join(dir, 'bunfig.toml'), `preload = [${JSON.stringify(evil)}]\n[run]\npreload = [${JSON.stringify(evil)}]\n`);
  writeFileSync(join(dir, '.env'), `BUN_OPTIONS=--preload=${evil}\nNODE_OPTIONS=--require=${evil}\nBERTH_FROM_DOTENV=1\n`);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'hostile', type: 'commonjs', main: 'evil.js', imports: { '#x': './evil.js' } }));
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { paths: { '*': ['./evil.js'] } } }));
}

function environOf(pid: number): string[] {
  return readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean);
}

run('the single executable', () => {
  let b: TestBundle | undefined;
  const dirs: string[] = [];
  const tmp = (prefix: string): string => {
    const d = mkdtempSync(join(tmpdir(), prefix));
    dirs.push(d);
    return d;
  };
  afterEach(() => {
    b?.cleanup();
    b = undefined;
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('copied alone into an empty directory, with a minimal environment, runs a container and writes nothing to TMPDIR', () => {
    b = makeBundle(['sh', '-c', 'echo hello from the copy']);
    const alone = tmp('berth-alone-');
    const exe = join(alone, 'berth');
    copyFileSync(BERTH, exe);
    chmodSync(exe, 0o755);
    const scratch = tmp('berth-tmpdir-');
    const r = spawnSync(exe, ['--root', b.root, 'run', '--bundle', b.dir, uniqueId()], {
      cwd: '/',
      env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin', TMPDIR: scratch },
      encoding: 'utf8',
      timeout: 30_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('hello from the copy\n');
    // Bun's own way with an embedded .node is a file in $TMPDIR; berth loads it from a memfd.
    expect(readdirSync(scratch)).toEqual([]);
    expect(readdirSync(alone)).toEqual(['berth']);
  });

  it('a hostile cwd and bundle dir (.env, bunfig.toml preload, package.json, tsconfig.json) and engine variables change nothing', async () => {
    const cwd = tmp('berth-hostile-cwd-');
    const marker = join(tmp('berth-marker-'), 'ran');
    plantHostileFiles(cwd, marker);
    b = makeBundle(['sh', '-c', 'echo started; env; sleep 2']);
    plantHostileFiles(b.dir, marker);
    const hostileEnv = {
      PATH: '/usr/sbin:/usr/bin:/sbin:/bin',
      NODE_OPTIONS: `--require=${join(cwd, 'evil.js')}`,
      NODE_PATH: cwd,
      BUN_INSPECT: 'ws://127.0.0.1:9/x',
      BUN_JSC_useJIT: '0',
      BUN_CONFIG_VERBOSE_FETCH: '1',
      BUN_RUNTIME_TRANSPILER_CACHE_PATH: cwd,
      JSC_useJIT: '0',
      NODE_EXTRA_CA_CERTS: '/etc/ssl/certs/ca-certificates.crt',
    };
    const child = spawn(BERTH, ['--root', b.root, 'run', '--bundle', b.dir, uniqueId()], { cwd, env: hostileEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    const limit = setTimeout(() => child.kill('SIGKILL'), 20_000);
    // While the container runs, berth is the same pid (it starts over with execve): its
    // environment has none of the engine variables, and keeps the rest.
    const deadline = Date.now() + 10_000;
    while (!out.includes('started') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const env = environOf(child.pid!);
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    clearTimeout(limit);
    expect(err).toBe('');
    expect(status).toBe(0);
    expect(env.filter((e) => /^(BUN_|JSC_|NODE_OPTIONS=|NODE_PATH=)/.test(e))).toEqual([]);
    expect(env).toContain('NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt');
    expect(env).toContain('PATH=/usr/sbin:/usr/bin:/sbin:/bin');
    // Nothing ran the planted script, and no .env reached berth or the container.
    expect(existsSync(marker)).toBe(false);
    expect(env.some((e) => e.startsWith('BERTH_FROM_DOTENV'))).toBe(false);
    expect(out).not.toMatch(/BERTH_FROM_DOTENV|BUN_|NODE_OPTIONS/);
    // The container's environment is the config's: PATH and TERM from berth spec's default.
    expect(out).toMatch(/^PATH=/m);
  });

  it('--version names the embedded Bun; the executable needs no file of the checkout', () => {
    const r = spawnSync(BERTH, ['--version'], { encoding: 'utf8', cwd: '/', env: {} });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^berth version \S+\ncommit: \S+\nspec: 1\.3\.0\nbun: \d+\.\d+\.\d+\n$/);
  });

  // The addon's copy: an unnamed O_TMPFILE inode in /dev/shm (no bun:ffi), or a sealed memfd
  // where /dev/shm will not map code (noexec, as in many containers). A createRuntime hook runs
  // while `berth run` waits for it, and reads its parent's (berth's) memory map.
  it('maps its addon from an unnamed file in /dev/shm, naming nothing there; from a memfd where /dev/shm is noexec', () => {
    const out = tmp('berth-addon-map-');
    for (const noexec of [false, true]) {
      const maps = join(out, `maps-${noexec}`);
      b = makeBundle(['true'], (c) => {
        c.hooks = { createRuntime: [{ path: '/bin/sh', args: ['sh', '-c', `grep -E 'berth\\.node|/dev/shm/' /proc/$PPID/maps > ${maps}`] }] };
      });
      b.write();
      const shmBefore = readdirSync('/dev/shm').sort();
      const berth = `exec ${BERTH} --root ${b.root} run --bundle ${b.dir} ${uniqueId()}`;
      const script = noexec ? `mount -t tmpfs -o noexec,size=1m tmpfs /dev/shm && ${berth}` : berth;
      const r = spawnSync('unshare', ['-m', '--propagation', 'private', 'sh', '-c', script], { encoding: 'utf8', timeout: 30_000 });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      const mapped = readFileSync(maps, 'utf8');
      if (noexec) {
        expect(mapped).toMatch(/ \/memfd:berth\.node \(deleted\)$/m);
        expect(mapped).not.toMatch(/\/dev\/shm\//);
      } else {
        // An O_TMPFILE inode has no name: the kernel shows "/dev/shm/#INODE (deleted)".
        expect(mapped).toMatch(/ \/dev\/shm\/#\d+ \(deleted\)$/m);
        expect(mapped).not.toMatch(/memfd:berth\.node/);
      }
      expect(readdirSync('/dev/shm').sort()).toEqual(shmBefore);
      b.cleanup();
      b = undefined;
    }
  });
});

