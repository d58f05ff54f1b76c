import { appendFileSync } from 'node:fs';
import { stderr } from '../cli/output.js';

export type LogFormat = 'text' | 'json';
export type Level = 'debug' | 'info' | 'warning' | 'error';

interface LogTarget {
  file?: string;
  format: LogFormat;
  debug: boolean;
}

let target: LogTarget = { format: 'text', debug: false };

export function configureLog(t: LogTarget): void {
  target = t;
}

/** Whether --debug is on (callers skip formatting what would not be written). */
export function debugOn(): boolean {
  return target.debug;
}

function now(): string {
  return new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** One log line in runc's formats: logrus text or JSON. */
export function formatLine(level: Level, msg: string, format: LogFormat, time = now()): string {
  if (format === 'json') return JSON.stringify({ level, msg, time });
  return `time="${time}" level=${level} msg=${JSON.stringify(msg)}`;
}

function write(level: Level, msg: string): void {
  if (target.file) {
    try {
      appendFileSync(target.file, formatLine(level, msg, target.format) + '\n');
    } catch {
      // The log is best effort; the message still reaches stderr for errors.
    }
  } else if (level !== 'error') {
    stderr(formatLine(level, msg, target.format) + '\n');
  }
}

/** Arrays that collect every warning logged while they are watched (create --dry-run). */
const watchers = new Set<string[]>();

/** Collect the warnings logged from now on into the returned array, until unwatchWarnings. */
export function watchWarnings(): string[] {
  const into: string[] = [];
  watchers.add(into);
  return into;
}

export function unwatchWarnings(into: string[]): void {
  watchers.delete(into);
}

export const log = {
  debug(msg: string): void {
    if (target.debug) write('debug', msg);
  },
  info(msg: string): void {
    if (target.debug) write('info', msg);
  },
  warn(msg: string): void {
    for (const w of watchers) w.push(msg);
    write('warning', msg);
  },
  /** An error ends the command: logged to --log, and printed as one plain line on stderr. */
  error(msg: string): void {
    write('error', msg);
    stderr(target.format === 'json' && !target.file ? formatLine('error', msg, 'json') + '\n' : msg + '\n');
  },
};
