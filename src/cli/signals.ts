import { constants } from 'node:os';
import { BerthError } from '../errors.js';

const SIGNALS = constants.signals as Record<string, number>;

/**
 * "9", "KILL", "SIGKILL", "sigkill", "SIGRTMIN+3" → signal number. A number is passed to the
 * kernel as it is (as runc): 0 probes whether the process lives, and the kernel refuses numbers
 * it does not know (EINVAL).
 */
export function parseSignal(text: string): number {
  const t = text.trim();
  if (/^\d+$/.test(t)) {
    const n = Number(t);
    if (n <= 0x7fffffff) return n;
    throw new BerthError(`invalid signal ${JSON.stringify(text)}`);
  }
  const name = t.toUpperCase().startsWith('SIG') ? t.toUpperCase() : `SIG${t.toUpperCase()}`;
  const rt = /^SIGRTM(IN|AX)([+-]\d+)?$/.exec(name);
  if (rt) {
    const n = (rt[1] === 'IN' ? 34 : 64) + Number(rt[2] ?? 0);
    if (n >= 34 && n <= 64) return n;
  }
  const n = SIGNALS[name];
  if (n === undefined) throw new BerthError(`unknown signal ${JSON.stringify(text)}`);
  return n;
}
