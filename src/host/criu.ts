/**
 * CRIU for checkpoint/restore: the `criu` in PATH, its version, and whether `criu check` passes on
 * this kernel (its own test of every kernel feature it needs).
 */
import { which } from './which.js';

function run(path: string, args: string[]): { status: number | null; out: string } {
  const { spawnSync } = process.getBuiltinModule('node:child_process') as typeof import('node:child_process');
  const r = spawnSync(path, args, { encoding: 'utf8', timeout: 30_000 });
  return { status: r.status, out: `${r.stdout ?? ''}${r.stderr ?? ''}${r.error ? String(r.error.message) : ''}`.trim() };
}

export function probeCriu(): { path: string | null; version: string | null; ok: boolean; error?: string } {
  const path = which('criu');
  if (!path) return { path: null, version: null, ok: false, error: 'criu is not installed (not in PATH)' };
  const v = run(path, ['--version']);
  const version = /Version:\s*(\S+)/.exec(v.out)?.[1] ?? null;
  const c = run(path, ['check']);
  if (c.status === 0) return { path, version, ok: true };
  const lines = c.out.split('\n').map((l) => l.trim()).filter(Boolean);
  const error = lines.filter((l) => /error|fail|not supported|missing/i.test(l)).slice(0, 3).join('; ') || lines.slice(-1)[0] || `criu check exited ${c.status}`;
  return { path, version, ok: false, error };
}
