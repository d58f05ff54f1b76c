import { BerthError } from '../errors.js';
import type { Globals } from '../cli/globals.js';
import { Store } from '../state/store.js';
import { statusOf } from '../state/status.js';
import { reopenCgroup } from '../cgroups/index.js';
import { parseDuration } from '../cli/duration.js';
import { stderr, stdout } from '../cli/output.js';

/** How often the stream looks for OOM kills and for the container's end. */
const POLL_MS = 100;

async function emit(e: object): Promise<void> {
  stdout(JSON.stringify(e) + '\n');
}

/**
 * events --stats: one runc-format stats object. events [--interval D]: a stream, one JSON object
 * a line: {"type":"stats","id",...,"data":...} every interval (the first at once) and
 * {"type":"oom","id":...} whenever the kernel's OOM-kill count of the cgroup grows (polled every
 * 100 ms: v1 memory.oom_control, v2 memory.events). Ends, status 0, once the container has
 * stopped (after a last OOM check).
 */
export default async function events(g: Globals, a: Record<string, any>): Promise<number> {
  const store = new Store(g.root);
  const rec = store.load(a.id);
  if (!rec.cgroup) throw new BerthError(`events ${a.id}: the container has no cgroup`);
  const cg = reopenCgroup(rec.cgroup);
  if (a.stats) {
    await emit({ type: 'stats', id: rec.id, data: cg.stats() });
    return 0;
  }
  const intervalMs = parseDuration(String(a.interval ?? '5s'), 'events --interval');
  if (intervalMs <= 0) throw new BerthError(`events --interval: must be positive, got ${JSON.stringify(a.interval)}`);
  let ooms = cg.oomKills() ?? 0;
  const checkOom = async () => {
    const n = cg.oomKills();
    if (n !== undefined && n > ooms) {
      ooms = n;
      await emit({ type: 'oom', id: rec.id });
    }
  };
  let nextStats = 0;
  for (;;) {
    await checkOom();
    if ((await statusOf(store, rec)) === 'stopped') {
      await checkOom();
      return 0;
    }
    if (Date.now() >= nextStats) {
      nextStats = Date.now() + intervalMs;
      try {
        await emit({ type: 'stats', id: rec.id, data: cg.stats() });
      } catch (e) {
        stderr(`events: stats: ${(e as Error).message}\n`);
      }
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
