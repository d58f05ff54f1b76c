import { spawnSync } from 'node:child_process';
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
 * the state JSON on stdin. The first failure throws (callers that must only warn catch it).
 */
export function runHooks(hooks: Hook[] | undefined, name: string, state: object): void {
  (hooks ?? []).forEach((h, i) => {
    const args = h.args && h.args.length > 0 ? h.args : [h.path];
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
    // A hook may exit without reading the state (EPIPE on its stdin): its exit status decides.
    if (r.error && (r.error as NodeJS.ErrnoException).code !== 'EPIPE') {
      const code = (r.error as NodeJS.ErrnoException).code;
      if (code === 'ETIMEDOUT') throw new BerthError(`${where}: timed out after ${h.timeout}s`);
      throw new BerthError(`${where}: ${code === 'ENOENT' ? 'no such file or directory' : r.error.message}`);
    }
    if (r.status !== 0) {
      const err = r.stderr?.toString().trim().split('\n').pop();
      const how = r.signal ? `killed by ${r.signal}` : `exit status ${r.status}`;
      throw new BerthError(`${where}: ${how}${err ? `: ${err}` : ''}`);
    }
    log.debug(`${where}: ok`);
  });
}

/** poststart and poststop: a failure is a warning and the lifecycle goes on (config.md). */
export function runHooksWarnOnly(hooks: Hook[] | undefined, name: string, state: object): void {
  try {
    runHooks(hooks, name, state);
  } catch (e) {
    log.warn((e as Error).message);
  }
}
