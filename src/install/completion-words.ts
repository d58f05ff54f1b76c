/**
 * What both shell completions offer, from the command-line model: each command's flag spellings
 * split into flags without a value and flags with one, what a value may be (one of the choices,
 * a number, a path), which positionals are container ids (completed from `berth list -q`) and
 * the signal names `kill` takes (src/cli/signals.ts, the table `kill` itself reads). Pure.
 */
import type { CommandModel, FlagModel } from '../cli/model.js';
import { SIGNALS } from '../cli/signals.js';

export const spellings = (f: FlagModel): string[] => [f.name, ...f.aliases].map((n) => (n.length === 1 ? `-${n}` : `--${n}`));

/** What completes a flag's value: fixed words, nothing or paths. */
export type ValueKind = { words: string[] } | 'none' | 'path';

/**
 * Choices complete as words; a string whose description speaks of a file, directory, path,
 * socket or JSON (`--bundle`, `--pid-file`, `--process`, `--root`) as a path; anything else
 * (numbers, sizes, ids, names) as nothing.
 */
export function valueKind(f: FlagModel): ValueKind {
  if (f.choices) return { words: f.choices };
  return f.type === 'string' && /\b(file|directory|path|socket|json)\b/i.test(f.describe) ? 'path' : 'none';
}

/** What completes a positional: a container id, a signal name, or nothing. */
export type PositionalKind = 'id' | 'signal' | 'none';

export function positionalKinds(c: CommandModel): PositionalKind[] {
  return c.positionals.map((p) => (p.name === 'id' ? 'id' : p.name === 'signal' ? 'signal' : 'none'));
}

/** KILL, SIGKILL, ... and the real-time forms: what `kill` accepts by name. */
export function signalNames(): string[] {
  const names = Object.keys(SIGNALS);
  return [...names.map((n) => n.slice(3)), ...names, 'RTMIN', 'RTMAX', 'SIGRTMIN', 'SIGRTMAX'];
}

/** Quote a word for a shell single-quoted string. */
export const shellQuote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;
