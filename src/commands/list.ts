import type { Globals } from '../cli/globals.js';
import { Store } from '../state/store.js';
import { statusOf } from '../state/status.js';
import { stdout } from '../cli/output.js';
import { intentState, readIntent } from '../state/intent.js';
import { describeErrno } from '../errors.js';

interface Row {
  ociVersion: string;
  id: string;
  pid: number;
  status: string;
  bundle: string;
  rootfs: string;
  created: string;
  owner: string;
  annotations?: Record<string, string>;
  /** A damaged container: what is wrong (status `unknown`). */
  error?: string;
}

/**
 * One container's row: from state.json, from the teardown record while it is half-made, or
 * status `unknown` with the error when its record is damaged (what the teardown record still
 * says filled in). Undefined when it was removed while listing.
 */
async function rowOf(store: Store, id: string): Promise<Row | undefined> {
  const found = store.read(id);
  if ('value' in found) {
    const rec = found.value;
    const status = await statusOf(store, rec);
    const { ociVersion, bundle, rootfs, created, owner, annotations } = rec;
    // runc's order; annotations only when there are some.
    return { ociVersion, id, pid: status === 'stopped' ? 0 : rec.pid, status, bundle, rootfs, created, ...(annotations && Object.keys(annotations).length ? { annotations } : {}), owner };
  }
  const t = readIntent(store, id);
  if ('absent' in found) {
    // Caught half-made (a create running or killed), or removed while listing.
    if ('absent' in t) return undefined;
    if ('value' in t) return intentState(t.value) as unknown as Row;
  }
  const error = 'damaged' in found ? found.damaged : (t as { damaged: string }).damaged;
  const known = 'value' in t ? t.value : undefined;
  return { ociVersion: known?.ociVersion ?? '', id, pid: 0, status: 'unknown', bundle: known?.bundle ?? '', rootfs: known?.rootfs ?? '', created: known?.created ?? '', owner: known?.owner ?? '', error };
}

/**
 * list: runc's table (ID PID STATUS BUNDLE CREATED OWNER), JSON, or ids only (-q). One
 * container that cannot be read is listed as `unknown` and never hides the others.
 */
export default async function list(g: Globals, a: Record<string, any>): Promise<number> {
  const store = new Store(g.root);
  const rows: Row[] = [];
  for (const id of store.ids()) {
    let row: Row | undefined;
    try {
      row = await rowOf(store, id);
    } catch (e) {
      row = { ociVersion: '', id, pid: 0, status: 'unknown', bundle: '', rootfs: '', created: '', owner: '', error: describeErrno(e) };
    }
    if (row) rows.push(row);
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
