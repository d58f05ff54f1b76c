import type { Globals } from '../cli/globals.js';
import { Store } from '../state/store.js';
import { statusOf } from '../state/status.js';
import { ociState } from '../state/record.js';
import { checkId } from '../state/id.js';
import { stdout } from '../cli/output.js';
import { intentState, readIntent } from '../state/intent.js';

/** state (runtime.md "Query State"): the OCI state JSON plus runc's fields, indented like runc. */
export default async function state(g: Globals, a: Record<string, any>): Promise<number> {
  const store = new Store(g.root);
  const id = checkId(a.id);
  if (!store.exists(id)) {
    // Caught half-made: a create running, or one killed before it recorded state.json.
    const intent = readIntent(store, id);
    if (intent) {
      stdout(JSON.stringify(intentState(intent), null, '  ') + '\n');
      return 0;
    }
  }
  const rec = store.load(id);
  const status = await statusOf(store, rec);
  stdout(JSON.stringify(ociState(rec, status), null, '  ') + '\n');
  return 0;
}
