import { readFileSync } from 'node:fs';
import { BerthError } from '../errors.js';

/** CRIU's summary lines after the error that caused them ("Dump files (pid: 1) failed with -1"). */
const CONSEQUENCE = /Dumping FAILED|Restoring FAILED|failed with -?\d+$|finished with error/;

/**
 * The error line of CRIU's output that says why (its format: "(00.123) Error (file.c:12):
 * text"; timestamp cut): the last Error line that is not one of its summaries of an earlier
 * one; without Error lines, the last line.
 */
export function lastCriuError(text: string): string | undefined {
  const lines = text.split('\n').map((l) => l.trim()).filter(Boolean);
  const errors = lines.filter((l) => /\bError\b/.test(l));
  const cause = errors.filter((l) => !CONSEQUENCE.test(l));
  return (cause.at(-1) ?? errors.at(-1) ?? lines.at(-1))?.replace(/^\(\d+\.\d+\)\s*/, '');
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
