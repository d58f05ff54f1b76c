import type { Globals } from '../cli/globals.js';
import { Store } from '../state/store.js';
import { statusOf } from '../state/status.js';
import { stdout } from '../cli/output.js';
import { intentState, readIntent } from '../state/intent.js';

/** list: runc's table (ID PID STATUS BUNDLE CREATED OWNER), JSON, or ids only (-q). */
export default async function list(g: Globals, a: Record<string, any>): Promise<number> {
  const store = new Store(g.root);
  const rows: { ociVersion: string; id: string; pid: number; status: string; bundle: string; rootfs: string; created: string; owner: string; annotations?: Record<string, string> }[] = [];
  for (const id of store.ids()) {
    let rec;
    try {
      rec = store.load(id);
    } catch {
      // Caught half-made (a create running or killed), or removed while listing.
      const intent = readIntent(store, id);
      if (intent) rows.push(intentState(intent) as (typeof rows)[number]);
      continue;
    }
    const status = await statusOf(store, rec);
    const { ociVersion, bundle, rootfs, created, owner, annotations } = rec;
    // runc's order; annotations only when there are some.
    rows.push({ ociVersion, id, pid: status === 'stopped' ? 0 : rec.pid, status, bundle, rootfs, created, ...(annotations && Object.keys(annotations).length ? { annotations } : {}), owner });
  }
  if (a.quiet) {
    for (const r of rows) stdout(`${r.id}\n`);
  } else if (a.format === 'json') {
    // No containers: runc prints null (a nil slice), and engines parse that.
    stdout(JSON.stringify(rows.length ? rows : null) + '\n');
  } else {
    const table = [['ID', 'PID', 'STATUS', 'BUNDLE', 'CREATED', 'OWNER'], ...rows.map((r) => [r.id, String(r.pid), r.status, r.bundle, r.created, r.owner])];
    const widths = table[0]!.map((_, c) => Math.max(...table.map((row) => row[c]!.length)));
    for (const row of table) stdout(row.map((cell, c) => (c < row.length - 1 ? cell.padEnd(widths[c]! + 3) : cell)).join('') + '\n');
  }
  return 0;
}
