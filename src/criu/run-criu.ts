import { BerthError, describeErrno } from '../errors.js';
import { findCriu } from '../host/criu.js';
import { criuFailure } from './log-error.js';

/** The criu binary for a checkpoint or restore (--criu, else PATH); a clear error without one. */
export function criuBinary(given: string | undefined): string {
  const path = findCriu(given);
  if (!path) throw new BerthError(`${given ?? 'criu'}: not found${given?.includes('/') ? '' : ' in PATH'} (checkpoint/restore needs CRIU; name it with --criu)`);
  return path;
}

/**
 * Runs criu's command line to completion (dump and pre-dump; restore is criu/swrk.ts), its
 * output captured for the error. Throws criuFailure (CRIU's last error line and the log path)
 * on a non-zero exit.
 */
export function runCriu(argv0: string[], action: string, logPath: string, env: NodeJS.ProcessEnv = process.env): void {
  const { spawnSync } = process.getBuiltinModule('node:child_process') as typeof import('node:child_process');
  const [cmd, ...args] = argv0;
  const r = spawnSync(cmd!, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', env });
  if (r.error) throw new BerthError(`criu ${action}: ${describeErrno(r.error)}`);
  if (r.status !== 0) throw criuFailure(action, logPath, r.status, `${r.stdout ?? ''}\n${r.stderr ?? ''}`);
}
