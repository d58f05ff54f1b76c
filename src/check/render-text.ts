/** `berth check` as one screen of text: a line per item, and for each that is not ok what stops working and the fix. Pure. */
import type { CheckDocument } from './item.js';

const MARK: Record<string, string> = { ok: 'ok', degraded: 'DEGRADED', missing: 'MISSING', info: 'info' };

export function renderCheckText(doc: CheckDocument): string {
  const L: string[] = ['berth check: this host as berth sees it', ''];
  const w = Math.max(...doc.items.map((i) => i.title.length));
  for (const i of doc.items) {
    L.push(`  ${MARK[i.status]!.padEnd(8)}  ${i.title.padEnd(w)}  ${i.detail}${i.required && i.status !== 'ok' && i.status !== 'info' ? '  [needed by a default container]' : ''}`);
    const broken = i.status === 'missing' || i.status === 'degraded';
    if (i.impact) L.push(`  ${''.padEnd(8)}  ${''.padEnd(w)}  ${broken ? 'stops working' : 'note'}: ${i.impact}`);
    if (i.fix) L.push(`  ${''.padEnd(8)}  ${''.padEnd(w)}  fix: ${i.fix}`);
  }
  const blocking = doc.items.filter((i) => i.required && (i.status === 'missing' || i.status === 'degraded'));
  L.push('');
  L.push(doc.ok ? 'A default container (berth spec) can run here.' : `A default container (berth spec) cannot run here: ${blocking.map((i) => i.title).join(', ')}.`);
  return L.join('\n') + '\n';
}
