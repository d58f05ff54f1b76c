import type { Globals } from '../cli/globals.js';
import { Store } from '../state/store.js';
import { statusOf } from '../state/status.js';
import { ociState } from '../state/record.js';
import { checkId } from '../state/id.js';
import { stdout } from '../cli/output.js';

/** state (runtime.md "Query State"): the OCI state JSON plus runc's fields, indented like runc. */
export default async function state(g: Globals, a: Record<string, any>): Promise<number> {
  const store = new Store(g.root);
  const rec = store.load(checkId(a.id));
  const status = await statusOf(store, rec);
  stdout(JSON.stringify(ociState(rec, status), null, '  ') + '\n');
  return 0;
}
