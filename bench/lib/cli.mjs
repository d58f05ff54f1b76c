// Rows without a container: the start-up floor, --version, state of a missing id.
import { Root } from './containers.mjs';
import { runSync } from './proc.mjs';
import { timeRuns } from './stats.mjs';

export const FLOOR = 'start-up floor: `node -e 0` for berth on Node, the `unshare` + `umount` wrapper for crun';
export const VERSION = '`--version`';
export const MISSING = '`state` of a missing id';

export async function cliRows(res, cols, tmp, runs) {
  for (const col of cols) {
    if (col.node) await res.measure(FLOOR, 'ms', col.key, () => timeRuns(runs, () => runSync([col.node, '-e', '0'])));
    if (col.wrapperCost) await res.measure(FLOOR, 'ms', col.key, () => timeRuns(runs, () => runSync(col.wrapperCost)));
  }
  for (const col of cols) await res.measure(VERSION, 'ms', col.key, () => timeRuns(runs, () => runSync(col.argv(['--version']))));
  for (const col of cols) {
    const root = new Root(col, tmp);
    await res.measure(MISSING, 'ms', col.key, () => timeRuns(runs, () => root.run(['state', 'missing-id'], { ok: 'nonzero' })));
    await root.destroy();
  }
}
