import type { Globals } from '../cli/globals.js';
import { BerthError } from '../errors.js';
import { Store } from '../state/store.js';
import { statusOf } from '../state/status.js';
import { ociState } from '../state/record.js';
import { checkId } from '../state/id.js';
import { stdout } from '../cli/output.js';
import { intentState, readIntent } from '../state/intent.js';

/**
 * state (runtime.md "Query State"): the OCI state JSON plus runc's fields, indented like runc.
 * A damaged record is an error naming the file and what is wrong, never a made-up state.
 */
export default async function state(g: Globals, a: Record<string, any>): Promise<number> {
  const store = new Store(g.root);
  const id = checkId(a.id);
  const found = store.read(id);
  if ('absent' in found) {
    // Caught half-made: a create running, or one killed before it recorded state.json.
    const t = readIntent(store, id);
    if ('value' in t) {
      stdout(JSON.stringify(intentState(t.value), null, '  ') + '\n');
      return 0;
    }
    if ('damaged' in t) throw new BerthError(`container ${id}: ${t.damaged} (delete --force removes it)`);
  }
  const rec = 'value' in found ? found.value : store.load(id); // load: the error of an absent or damaged record
  const status = await statusOf(store, rec);
  stdout(JSON.stringify(ociState(rec, status), null, '  ') + '\n');
  return 0;
}
