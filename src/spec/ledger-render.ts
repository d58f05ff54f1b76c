import { LEDGER, ANNOTATIONS, type LedgerEntry } from './ledger.js';

const MARK: Record<LedgerEntry['status'], string> = { honoured: 'honoured', refused: 'refused', ignored: 'ignored' };

/** At most six names, then how many in all. */
function few(names: readonly string[]): string {
  return names.length > 6 ? `${names.slice(0, 6).join(', ')}, … (${names.length} in all)` : names.join(', ');
}

/**
 * An entry's paths in a few words: `/process/user` (uid, gid, …) when the others are below the
 * first, `/linux/resources/memory/{kernel, kernelTCP}` when they share a parent, else each one.
 */
function pathsText(paths: readonly string[]): string {
  const [base, ...rest] = paths as [string, ...string[]];
  if (rest.length === 0) return `\`${base}\``;
  if (rest.every((p) => p.startsWith(`${base}/`))) return `\`${base}\` (${few(rest.map((p) => p.slice(base.length + 1)))})`;
  const parent = base.slice(0, base.lastIndexOf('/') + 1);
  if (parent.length > 1 && rest.every((p) => p.startsWith(parent))) return `\`${parent}{${few(paths.map((p) => p.slice(parent.length)))}}\``;
  return few(paths.map((p) => `\`${p}\``));
}

function proofText(e: LedgerEntry): string {
  if (!e.proof?.length) return '';
  const kind = e.kind === 'unit' ? ' (unit)' : e.kind === 'vm' ? ' (VM lane)' : '';
  return e.proof.map((p) => p.replace(/^test\/integration\//, '').replace(/^test\//, '')).join(', ') + kind;
}

const cell = (s: string) => s.replace(/\|/g, '\\|');

/** README's status table (between the ledger markers), made from src/spec/ledger.ts. */
export function renderLedger(): string {
  const rows = LEDGER.map((e) => `| ${cell(pathsText(e.paths))} | ${MARK[e.status]} | ${cell(e.note)} | ${cell(proofText(e))} |`);
  const ann = ANNOTATIONS.map((a) => `| \`${a.name}\` | ${cell(a.note)} | ${cell(a.proof.map((p) => p.replace(/^test\/integration\//, '').replace(/^test\//, '')).join(', '))} |`);
  return [
    '| config.json | status | how, or why not | proved by |',
    '|---|---|---|---|',
    ...rows,
    '',
    ...(ann.length ? ['Annotations that change what berth does (`features`: potentiallyUnsafeConfigAnnotations; a name ending in "." is a prefix):', '', '| annotation | effect | proved by |', '|---|---|---|', ...ann] : ['No annotation changes what berth does; every one is passed to hooks and `state` as it is.']),
  ].join('\n');
}
