import { BerthError } from '../errors.js';
import { log } from '../log/logger.js';

export interface Hook {
  path: string;
  args?: string[];
  env?: string[];
  timeout?: number;
}

function envObject(env: string[] | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of env ?? []) {
    const i = e.indexOf('=');
    if (i > 0) out[e.slice(0, i)] = e.slice(i + 1);
  }
  return out;
}

/**
 * Run hooks of one kind in the runtime namespace (config.md "POSIX-platform Hooks"), each with
 * the state JSON on stdin. The first failure throws: later hooks of the kind do not run.
 */
export function runHooks(hooks: Hook[] | undefined, name: string, state: object): void {
  (hooks ?? []).forEach((h, i) => runHook(h, i, name, state));
}

/** One hook; throws a BerthError naming it on failure. */
export function runHook(h: Hook, i: number, name: string, state: object): void {
  const args = h.args && h.args.length > 0 ? h.args : [h.path];
  // node:child_process on first use only: most containers have no hooks, and the module costs
  // ~1 ms of start-up under Bun.
  const { spawnSync } = process.getBuiltinModule('node:child_process') as typeof import('node:child_process');
  const t0 = performance.now();
  const r = spawnSync(h.path, args.slice(1), {
    argv0: args[0],
    env: envObject(h.env),
    input: JSON.stringify(state),
    timeout: h.timeout ? h.timeout * 1000 : undefined,
    killSignal: 'SIGKILL',
    stdio: ['pipe', 'pipe', 'pipe'],
    maxBuffer: 1 << 20,
  });
  const where = `${name} hook ${i} (${h.path})`;
  // A hook that exits without reading the state on stdin makes the write fail with EPIPE: not a
  // failure of the hook, whose exit status still says how it went (runc ignores it too).
  const code = r.error && (r.error as NodeJS.ErrnoException).code;
  if (r.error && !(code === 'EPIPE' && (r.status !== null || r.signal !== null))) {
    if (code === 'ETIMEDOUT') throw new BerthError(`${where}: timed out after ${h.timeout}s`);
    throw new BerthError(`${where}: ${code === 'ENOENT' ? 'no such file or directory' : r.error.message}`);
  }
  if (r.status !== 0) {
    const err = r.stderr?.toString().trim().split('\n').pop();
    const how = r.signal ? `killed by ${r.signal}` : `exit status ${r.status}`;
    throw new BerthError(`${where}: ${how}${err ? `: ${err}` : ''}`);
  }
  log.debug(`${where}: ok, took ${(performance.now() - t0).toFixed(1)} ms`);
}

/**
 * poststop: "If any poststop hook fails, the runtime MUST log a warning, but the remaining hooks
 * and lifecycle continue as if the hook had succeeded" (runtime.md, lifecycle step 13).
 */
export function runHooksWarnOnly(hooks: Hook[] | undefined, name: string, state: object): void {
  (hooks ?? []).forEach((h, i) => {
    try {
      runHook(h, i, name, state);
    } catch (e) {
      log.warn((e as Error).message);
    }
  });
}
