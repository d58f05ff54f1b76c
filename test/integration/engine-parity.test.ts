import { describe, it, expect, afterEach } from 'vitest';
import { spawn } from 'node:child_process';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BERTH, berth, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../helpers/bundle.js';

/**
 * Where Bun and Node differ under a runtime: stdio that is a pipe (or a FIFO) shared with the
 * container, writes right before exit, signals while berth waits, child processes. This file
 * runs against bin/berth (Bun) in the integration lane and against bin/berth-node in the Node
 * lane (scripts/test.mjs), and must pass on both.
 */
const run = isRoot() && haveBuild() ? describe : describe.skip;

const TEN_MIB = 10 * 1024 * 1024;

/**
 * Run berth with its stdout a pipe made O_NONBLOCK, as an engine or a JavaScript runtime's stdout
 * stream may leave it (the flag lives in the open file description the container shares), and
 * read it slowly enough for the pipe to fill. Resolves to the bytes read and the exit status.
 */
function readThroughNonblockingPipe(args: string[], delayMs = 300, signal?: { name: NodeJS.Signals; afterMs: number }): Promise<{ bytes: number; out: Buffer; status: number | null; stderr: string }> {
  const py = 'import fcntl, os, sys\nfl = fcntl.fcntl(1, fcntl.F_GETFL)\nfcntl.fcntl(1, fcntl.F_SETFL, fl | os.O_NONBLOCK)\nos.execv(sys.argv[1], sys.argv[1:])';
  const child = spawn('python3', ['-c', py, BERTH, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  const chunks: Buffer[] = [];
  let stderr = '';
  child.stderr.on('data', (d) => (stderr += d));
  child.stdout.pause();
  setTimeout(() => {
    child.stdout.on('data', (d: Buffer) => chunks.push(d));
    child.stdout.resume();
  }, delayMs);
  if (signal) setTimeout(() => child.kill(signal.name), signal.afterMs);
  return new Promise((resolve) => {
    child.on('close', (status) => {
      const out = Buffer.concat(chunks);
      resolve({ bytes: out.length, out, status, stderr });
    });
  });
}

run(`berth as a process under an engine (${BERTH.endsWith('-node') ? 'Node 24' : 'Bun'}): stdio, exit, signals`, () => {
  let b: TestBundle;
  afterEach(() => b?.cleanup());

  it('run: a container writing 10 MiB to a non-blocking pipe delivers every byte', async () => {
    b = makeBundle(['sh', '-c', `head -c ${TEN_MIB} /dev/zero`]);
    const r = await readThroughNonblockingPipe(['--root', b.root, 'run', '--bundle', b.dir, uniqueId()]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.bytes).toBe(TEN_MIB);
  });

  it('foreground exec: 10 MiB to a non-blocking pipe, every byte', async () => {
    b = makeBundle(['sleep', '300']);
    const id = uniqueId();
    expect(berth(b, ['run', '-d', '--bundle', b.dir, id]).status).toBe(0);
    const r = await readThroughNonblockingPipe(['--root', b.root, 'exec', id, 'sh', '-c', `head -c ${TEN_MIB} /dev/zero`]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.bytes).toBe(TEN_MIB);
  });

  it('output larger than a pipe, written right before exit, arrives whole (state of a container with 256 KiB of annotations)', async () => {
    const big = 'x'.repeat(256 * 1024);
    b = makeBundle(['sleep', '300'], (c) => (c.annotations = { big }));
    const id = uniqueId();
    expect(berth(b, ['create', '--bundle', b.dir, id]).status).toBe(0);
    const r = await readThroughNonblockingPipe(['--root', b.root, 'state', id], 500);
    expect(r.status).toBe(0);
    const state = JSON.parse(r.out.toString('utf8'));
    expect(state.annotations.big).toBe(big);
  });

  it('a FIFO as stdout: the container writes through it, berth exits with its status', () => {
    b = makeBundle(['sh', '-c', 'echo through-the-fifo; exit 7']);
    const dir = mkdtempSync(join(tmpdir(), 'berth-fifo-'));
    try {
      const fifo = join(dir, 'out');
      execFileSync('mkfifo', [fifo]);
      const reader = spawn('cat', [fifo], { stdio: ['ignore', 'pipe', 'ignore'] });
      let got = '';
      reader.stdout.on('data', (d) => (got += d));
      const r = execFileSync('sh', ['-c', `"$0" --root "$1" run --bundle "$2" "$3" >"$4"; echo "status $?"`, BERTH, b.root, b.dir, uniqueId(), fifo], { encoding: 'utf8' });
      expect(r.trim()).toBe('status 7');
      return new Promise<void>((resolve) =>
        reader.on('close', () => {
          expect(got).toBe('through-the-fifo\n');
          resolve();
        }),
      );
    } finally {
      setTimeout(() => rmSync(dir, { recursive: true, force: true }), 1000);
    }
  });

  it('run forwards SIGTERM to the container and exits with its status', async () => {
    b = makeBundle(['sh', '-c', 'trap "echo got-term; exit 3" TERM; echo ready; while :; do sleep 0.05; done']);
    const r = await readThroughNonblockingPipe(['--root', b.root, 'run', '--bundle', b.dir, uniqueId()], 0, { name: 'SIGTERM', afterMs: 1500 });
    expect(r.out.toString()).toBe('ready\ngot-term\n');
    expect(r.status).toBe(3);
  });

  it('hooks run as child processes and see the state on stdin; a failing one fails create with its output', () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-hook-'));
    try {
      const seen = join(dir, 'state.json');
      b = makeBundle(['true'], (c) => {
        c.hooks = {
          createRuntime: [{ path: '/bin/sh', args: ['sh', '-c', `cat > ${seen}`] }],
          createContainer: [{ path: '/bin/sh', args: ['sh', '-c', 'echo hook-said-no >&2; exit 4'] }],
        };
      });
      const id = uniqueId();
      const r = berth(b, ['create', '--bundle', b.dir, id]);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/hook-said-no/);
      expect(JSON.parse(readFileSync(seen, 'utf8'))).toMatchObject({ id, status: 'created' });
      expect(berth(b, ['state', id]).status).toBe(1);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

