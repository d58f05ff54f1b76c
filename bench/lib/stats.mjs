// Medians and the clock.
export function median(xs) {
  if (!xs.length) return undefined;
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Milliseconds since an arbitrary origin (monotonic). */
export const now = () => Number(process.hrtime.bigint()) / 1e6;

/** Median of `runs` timings of `fn` (ms); throws the first failure (fn returns false or throws). */
export function timeRuns(runs, fn) {
  const xs = [];
  for (let i = 0; i < runs; i++) {
    const t0 = now();
    fn(i);
    xs.push(now() - t0);
  }
  return median(xs);
}
