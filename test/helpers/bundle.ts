import { mkdtempSync, writeFileSync, rmSync, existsSync, readdirSync, openSync, closeSync, readFileSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { makeBusyboxRootfs } from './rootfs.js';
import { TEST_CGROUP_PARENT } from './cgroup-parent.js';
import { defaultConfig } from '../../src/spec/default-config.js';

export const REPO = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
/**
 * The berth every lane drives: bin/berth, the single executable users install; BERTH_BIN names
 * another build (the Node lane runs some files against bin/berth-node).
 */
export const BERTH = process.env.BERTH_BIN ? process.env.BERTH_BIN : join(REPO, 'bin/berth');

export function isRoot(): boolean {
  return process.getuid?.() === 0;
}

/** Built artefacts the integration lane needs. */
export function haveBuild(): boolean {
  return existsSync(BERTH) && existsSync(join(REPO, 'dist/native/berth-init')) && existsSync(join(REPO, 'dist/native/berth.node'));
}

let counter = 0;
export function uniqueId(prefix = 'bt'): string {
  return `${prefix}-${process.pid}-${Date.now().toString(36)}-${counter++}`;
}

export interface TestBundle {
  dir: string;
  rootfs: string;
  root: string;
  config: any;
  write(): void;
  cleanup(): void;
}

/**
 * A bundle in a temp dir: busybox rootfs + berth's default config, no terminal, a relative
 * cgroupsPath (nested under the test's own cgroup) and a private state root.
 */
export function makeBundle(args: string[] = ['true'], edit?: (c: any) => void): TestBundle {
  const dir = mkdtempSync(join(tmpdir(), 'berth-test-'));
  // Reachable by mapped users (user namespace tests), like any bundle dir.
  chmodSync(dir, 0o755);
  const rootfs = makeBusyboxRootfs(dir);
  const root = join(dir, 'state');
  const config = defaultConfig();
  config.process.terminal = false;
  config.process.args = args;
  config.linux.cgroupsPath = `${TEST_CGROUP_PARENT}/${uniqueId('cg')}`;
  edit?.(config);
  const b: TestBundle = {
    dir,
    rootfs,
    root,
    config,
    write() {
      writeFileSync(join(dir, 'config.json'), JSON.stringify(b.config, null, 2));
    },
    cleanup() {
      if (existsSync(root)) {
        // Not the compiled seccomp filters' cache (no container id has a colon).
        for (const id of readdirSync(root)) if (!id.includes(':')) berth(b, ['delete', '--force', id]);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
  b.write();
  return b;
}

/**
 * Run bin/berth with the bundle's private --root. Output goes through files, not pipes: a
 * container left running (create, run -d, exec -d) keeps berth's stdio open, and a pipe would
 * make spawnSync wait for it.
 */
export function berth(b: { root: string }, args: string[], opts: { input?: string; timeout?: number; via?: string[] } = {}): SpawnSyncReturns<string> {
  const dir = mkdtempSync(join(tmpdir(), 'berth-out-'));
  const out = openSync(join(dir, 'out'), 'w+');
  const err = openSync(join(dir, 'err'), 'w+');
  try {
    // via: a command berth runs under (`taskset -c 0`, `nsenter --net=...`), its arguments before berth's.
    const [cmd, ...pre] = [...(opts.via ?? []), BERTH];
    const r = spawnSync(cmd!, [...pre, '--root', b.root, ...args], {
      encoding: 'utf8',
      timeout: opts.timeout ?? 30_000,
      // A berth stuck past the timeout is a failure with its output, never a hung lane.
      killSignal: 'SIGKILL',
      input: opts.input,
      stdio: [opts.input === undefined ? 'ignore' : 'pipe', out, err],
    });
    return { ...r, stdout: readFileSync(join(dir, 'out'), 'utf8'), stderr: readFileSync(join(dir, 'err'), 'utf8') };
  } finally {
    closeSync(out);
    closeSync(err);
    rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * berth() with a turn of the event loop before and after: berth() blocks the test worker
 * (spawnSync), and under emulation (the VM lanes) a run of such calls starves vitest's worker
 * RPC past its timeout ("Timeout calling onTaskUpdate").
 */
export async function berthYielding(b: { root: string }, args: string[], opts: { input?: string; timeout?: number } = {}): Promise<SpawnSyncReturns<string>> {
  await new Promise((r) => setTimeout(r, 1));
  const r = berth(b, args, opts);
  await new Promise((r) => setTimeout(r, 1));
  return r;
}
