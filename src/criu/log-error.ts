import { readFileSync } from 'node:fs';
import { BerthError } from '../errors.js';

/**
 * CRIU's lines that only report an earlier error upwards ("Dump files (pid: 1) failed with -1",
 * "Dumping FAILED.", "Could not initialize kernel features detection.").
 */
const CONSEQUENCE = /\bfail(s|ed|ure)?\b|Could not|finished with error/i;

/**
 * The error line of CRIU's output that says why (its format: "(00.123) Error (file.c:12):
 * text"; timestamp cut): CRIU logs the cause, then each caller's summary of it, so this is the
 * last Error line before that tail of summaries; without Error lines, the last line.
 */
export function lastCriuError(text: string): string | undefined {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const errors = lines.filter((l) => /\bError\b/.test(l));
  let i = errors.length - 1;
  while (i > 0 && CONSEQUENCE.test(errors[i]!)) i--;
  return (errors[i] ?? lines.at(-1))?.replace(/^\(\d+\.\d+\)\s*/, '');
}

/** One line for a failed criu run: what CRIU said last (its log's last error) and where the log is. */
export function criuFailure(action: string, logPath: string, status: number | null, output = ''): BerthError {
  let log = '';
  try {
    log = readFileSync(logPath, 'utf8');
  } catch {
    // no log: CRIU failed before opening it; its own output says why
  }
  const said = lastCriuError(log) ?? lastCriuError(output);
  return new BerthError(`criu ${action} failed${said ? `: ${said}` : ` (exit status ${status})`} (log: ${logPath})`);
}
