// Many containers: N `create`s started at once (wall time until the last exits, every one must
// succeed), and `list` / `state` with M real containers waiting in `created` in the root.
import { Aborted } from './cleanup.mjs';
import { Root } from './containers.mjs';
import { pool, runAsync } from './proc.mjs';
import { median, now, timeRuns } from './stats.mjs';

export const concurrentRow = (n) => `${n} concurrent \`create\`s (wall time, all succeed)`;
export const listRow = (m) => `\`list\` with ${m} containers in the root`;
export const stateRow = (m) => `\`state\` with ${m} containers in the root`;

/** Delete the given ids through the runtime, two at a time (untimed). */
async function deleteAll(root, ids) {
  await pool(2, ids.map((id) => () => runAsync(root.argv(['delete', '--force', id]))), { abortable: false });
}

export async function concurrentRows(res, col, tmp, bundles, n, runs) {
  const root = new Root(col, tmp);
  await res.measure(concurrentRow(n), 'ms', col.key, async () => {
    const xs = [];
    for (let r = 0; r < runs; r++) {
      const ids = Array.from({ length: n }, (_, i) => `${col.key}-p${r}-${i}`);
      const bs = ids.map((id) => bundles.make(id, ['sleep', '1000']));
      const t0 = now();
      const codes = await Promise.all(ids.map((id, i) => runAsync(root.argv(['create', '--bundle', bs[i], id]))));
      xs.push(now() - t0);
      await deleteAll(root, ids);
      const bad = codes.filter((c) => c !== 0).length;
      if (bad) throw new Error(`${bad} of ${n} creates failed`);
    }
    return median(xs);
  });
  await root.destroy();
}

export async function manyRows(res, col, tmp, bundles, m, runs) {
  const root = new Root(col, tmp);
  const ids = Array.from({ length: m }, (_, i) => `${col.key}-n${i}`);
  try {
    const codes = await pool(2, ids.map((id) => () => runAsync(root.argv(['create', '--bundle', bundles.make(id, ['sleep', '1000']), id]))));
    const bad = codes.filter((c) => c !== 0).length;
    if (bad) throw new Error(`${bad} of ${m} creates failed`);
    const listed = root.run(['list', '-q'], { capture: true }).split('\n').filter(Boolean).length;
    if (listed !== m) throw new Error(`list -q shows ${listed} containers, not ${m}`);
    res.set(listRow(m), 'ms', col.key, timeRuns(runs, () => root.run(['list'])));
    const mid = ids[Math.floor(m / 2)];
    res.set(stateRow(m), 'ms', col.key, timeRuns(runs, () => root.run(['state', mid])));
  } catch (e) {
    if (e instanceof Aborted) throw e;
    res.fail(listRow(m), 'ms', col.key, e);
    res.fail(stateRow(m), 'ms', col.key, e);
  }
  await root.destroy();
}
