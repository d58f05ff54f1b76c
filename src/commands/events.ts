import { BerthError } from '../errors.js';
import type { Globals } from '../cli/globals.js';
import { Store } from '../state/store.js';
import { reopenCgroup } from '../cgroups/index.js';

/** events --stats: one runc-format stats object. The streaming form comes with the cgroups issue. */
export default async function events(g: Globals, a: Record<string, any>): Promise<number> {
  const store = new Store(g.root);
  const rec = store.load(a.id);
  if (!a.stats) throw new BerthError('events: streaming events are not supported yet (use --stats)');
  if (!rec.cgroup) throw new BerthError(`events ${a.id}: the container has no cgroup`);
  const data = reopenCgroup(rec.cgroup).stats();
  process.stdout.write(JSON.stringify({ type: 'stats', id: rec.id, data }) + '\n');
  return 0;
}
