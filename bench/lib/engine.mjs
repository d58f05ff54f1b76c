// The engine's view: `ctr run --rm` of /bin/true under a private containerd, per column, bare
// and with containerd's default seccomp profile (one untimed warm-up each, then the median of
// `runs`).
import { checkpoint } from './cleanup.mjs';
import { PrivateContainerd, missingPrograms } from './containerd.mjs';
import { runSync } from './proc.mjs';
import { median, now } from './stats.mjs';

export const engineRow = (n, seccomp = false) =>
  `private containerd: \`ctr run --rm${seccomp ? ' --seccomp' : ''}\` of /bin/true${seccomp ? ', its default seccomp profile' : ''} (median of ${n})`;

export async function engineRows(res, cols, tmp, rootfs, runs) {
  const rows = [engineRow(runs), engineRow(runs, true)];
  const missing = missingPrograms();
  const failAll = (why) => cols.forEach((c) => rows.forEach((row) => res.fail(row, 'ms', c.key, why)));
  if (missing.length) return failAll(`missing ${missing.join(', ')} (apt-get install containerd)`);
  const ctd = new PrivateContainerd(tmp);
  try {
    await ctd.start();
  } catch (e) {
    return failAll(e);
  }
  for (const seccomp of [false, true]) {
    for (const col of cols) {
      await res.measure(engineRow(runs, seccomp), 'ms', col.key, () => {
        const xs = [];
        for (let i = 0; i <= runs; i++) {
          const id = `${col.key}-e${seccomp ? 's' : ''}${i}`;
          checkpoint();
          const t0 = now();
          try {
            runSync(ctd.runArgv(col, rootfs, id, seccomp));
          } catch (e) {
            throw new Error(`${e.message} (containerd: ${ctd.log().slice(-200)})`);
          }
          if (i > 0) xs.push(now() - t0);
        }
        return median(xs);
      });
    }
  }
  await ctd.stop();
}
