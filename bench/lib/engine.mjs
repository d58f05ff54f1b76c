// The engine's view: `ctr run --rm` of /bin/true under a private containerd, per column
// (one untimed warm-up each, then the median of `runs`).
import { checkpoint } from './cleanup.mjs';
import { PrivateContainerd, missingPrograms } from './containerd.mjs';
import { runSync } from './proc.mjs';
import { median, now } from './stats.mjs';

export const engineRow = (n) => `private containerd: \`ctr run --rm\` of /bin/true (median of ${n})`;

export async function engineRows(res, cols, tmp, rootfs, runs) {
  const row = engineRow(runs);
  const missing = missingPrograms();
  const failAll = (why) => cols.forEach((c) => res.fail(row, 'ms', c.key, why));
  if (missing.length) return failAll(`missing ${missing.join(', ')} (apt-get install containerd)`);
  const ctd = new PrivateContainerd(tmp);
  try {
    await ctd.start();
  } catch (e) {
    return failAll(e);
  }
  for (const col of cols) {
    await res.measure(row, 'ms', col.key, () => {
      const xs = [];
      for (let i = 0; i <= runs; i++) {
        const id = `${col.key}-e${i}`;
        checkpoint();
        const t0 = now();
        try {
          runSync(ctd.runArgv(col, rootfs, id));
        } catch (e) {
          throw new Error(`${e.message} (containerd: ${ctd.log().slice(-200)})`);
        }
        if (i > 0) xs.push(now() - t0);
      }
      return median(xs);
    });
  }
  await ctd.stop();
}
