import { readFileSync } from 'node:fs';
import { uidMapIsNested, type Invoker } from '../cli/globals.js';

/** Who runs berth: effective uid, environment, and whether in a nested user namespace. */
export function currentInvoker(): Invoker {
  let map = '';
  try {
    map = readFileSync('/proc/self/uid_map', 'utf8');
  } catch {
    // no /proc: taken as the initial namespace
  }
  return { euid: process.geteuid?.() ?? 0, env: process.env, inUserns: map !== '' && uidMapIsNested(map) };
}
