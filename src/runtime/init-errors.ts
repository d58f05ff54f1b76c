import { strerrno } from '../errors.js';
import type { PlanOp } from '../plan/ops.js';

/**
 * Render `error\t<index>\t<syscall>\t<errno>\t<detail>` from the init as one line a user can
 * act on, e.g. "mount proc on /proc: mount /proc: operation not permitted".
 */
export function renderInitError(ops: readonly Pick<PlanOp, 'what' | 'explain'>[], fields: string[]): string {
  const [indexText, syscall = '', errnoText = '0', detail = ''] = fields;
  const op = ops[Number(indexText)];
  const errno = Number(errnoText);
  const explained = op?.explain?.(syscall, errno);
  if (explained) return explained;
  const what = op?.what ?? `step ${indexText}`;
  const parts = [what];
  const sys = [syscall, detail && !what.includes(detail) ? detail : ''].filter(Boolean).join(' ');
  if (errno > 0) parts.push(sys ? `${sys}: ${strerrno(errno)}` : strerrno(errno));
  else if (sys) parts.push(sys);
  return parts.join(': ');
}
