import { constants } from 'node:fs';
import { canAccess, which } from './which.js';
import { lastCriuError } from '../criu/log-error.js';

/** What this host offers for checkpoint/restore: the criu binary and whether `criu check` passes. */
export interface CriuProbe {
  path: string | null;
  version: string | null;
  ok: boolean;
  /** Why not ok: no criu in PATH, or the last error line `criu check` printed. */
  error?: string;
}

/** criu as the command line names it (--criu) or found in PATH; null when there is none. */
export function findCriu(given?: string, path: string = process.env.PATH ?? ''): string | null {
  const name = given ?? 'criu';
  if (name.includes('/')) return canAccess(name, constants.X_OK) ? name : null;
  return which(name, path);
}

let cached: CriuProbe | undefined;

/**
 * Runs `criu --version` and `criu check` once per process: the kernel features CRIU needs
 * (its vDSO handling, netlink diag, TCP repair, ...). `berth features` and `berth check` report it.
 */
export function probeCriu(given?: string): CriuProbe {
  if (cached && given === undefined) return cached;
  const { spawnSync } = process.getBuiltinModule('node:child_process') as typeof import('node:child_process');
  const path = findCriu(given);
  let probe: CriuProbe;
  if (!path) {
    probe = { path: null, version: null, ok: false, error: `${given ?? 'criu'}: not found${given?.includes('/') ? '' : ' in PATH'}` };
  } else {
    const v = spawnSync(path, ['--version'], { encoding: 'utf8', timeout: 10_000 });
    const version = /Version:\s*(\S+)/.exec(v.stdout ?? '')?.[1] ?? null;
    const c = spawnSync(path, ['check'], { encoding: 'utf8', timeout: 60_000 });
    const out = `${c.stdout ?? ''}\n${c.stderr ?? ''}`;
    probe = c.status === 0 ? { path, version, ok: true } : { path, version, ok: false, error: `criu check: ${lastCriuError(out) ?? `exit status ${c.status}`}` };
  }
  if (given === undefined) cached = probe;
  return probe;
}
