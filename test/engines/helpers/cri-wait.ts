import { readdirSync, readFileSync } from 'node:fs';

/** The middle value (the upper one of the two for an even count). */
export const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Live (not zombie) processes whose raw command line is `cmdline`. */
export function pidsRunning(cmdline: string): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
        return readFileSync(`/proc/${p}/cmdline`, 'utf8') === cmdline && !stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z');
      } catch {
        return false;
      }
    })
    .map(Number);
}

/** Poll an async condition (a CRI call) every 50 ms until it holds. */
export async function until(what: string, cond: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
