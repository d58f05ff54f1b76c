import { BerthError } from '../errors.js';

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** A Go duration ("5s", "500ms", "1m30s", "1.5s") in milliseconds, as runc's --interval takes it. */
export function parseDuration(text: string, what: string): number {
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/y;
  let ms = 0;
  let i = 0;
  if (text === '0') return 0;
  while (i < text.length) {
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m) throw new BerthError(`${what}: invalid duration ${JSON.stringify(text)} (e.g. 5s, 500ms, 1m30s)`);
    ms += Number(m[1]) * UNITS[m[2]!]!;
    i = re.lastIndex;
  }
  if (i === 0) throw new BerthError(`${what}: invalid duration ${JSON.stringify(text)} (e.g. 5s, 500ms, 1m30s)`);
  return ms;
}
