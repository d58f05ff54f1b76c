import { BerthError } from '../errors.js';

/**
 * Linux's signal numbers (x86-64 and arm64 share them), as os.constants.signals has them: a
 * table here, because node:os costs ~1 ms of start-up under Bun and `kill` needs nothing else.
 */
export const SIGNALS: Record<string, number> = {
  SIGHUP: 1, SIGINT: 2, SIGQUIT: 3, SIGILL: 4, SIGTRAP: 5, SIGABRT: 6, SIGIOT: 6, SIGBUS: 7, SIGFPE: 8,
  SIGKILL: 9, SIGUSR1: 10, SIGSEGV: 11, SIGUSR2: 12, SIGPIPE: 13, SIGALRM: 14, SIGTERM: 15, SIGSTKFLT: 16,
  SIGCHLD: 17, SIGCONT: 18, SIGSTOP: 19, SIGTSTP: 20, SIGTTIN: 21, SIGTTOU: 22, SIGURG: 23, SIGXCPU: 24,
  SIGXFSZ: 25, SIGVTALRM: 26, SIGPROF: 27, SIGWINCH: 28, SIGIO: 29, SIGPOLL: 29, SIGPWR: 30, SIGSYS: 31,
};

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
