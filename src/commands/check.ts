import type { Globals } from '../cli/globals.js';
import { BerthError } from '../errors.js';
import { stdout } from '../cli/output.js';
import { checkItems } from '../check/probes.js';
import { checkDocument } from '../check/item.js';
import { renderCheckText } from '../check/render-text.js';

/**
 * check: the host as berth sees it (cgroups, systemd, namespaces, seccomp, syscalls, LSMs, CRIU,
 * --root). Exit 0 when a default container can run, 1 otherwise.
 */
export default async function check(g: Globals, a: Record<string, any>): Promise<number> {
  const format = a.format ?? 'text';
  if (format !== 'text' && format !== 'json') throw new BerthError(`--format ${String(format)}: must be text or json`);
  const doc = checkDocument(await checkItems(g.root));
  stdout(format === 'json' ? JSON.stringify(doc, null, 2) + '\n' : renderCheckText(doc));
  return doc.ok ? 0 : 1;
}
