/** The dry-run document as JSON (schemas/dryrun.schema.json), for tools that diff two plans. Pure. */
import type { DryRunDocument } from './document.js';

export function renderJson(doc: DryRunDocument): string {
  return JSON.stringify(doc, null, 2) + '\n';
}
