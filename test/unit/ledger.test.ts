import { describe, it, expect } from 'vitest';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LEDGER, ANNOTATIONS } from '../../src/spec/ledger.js';
import { renderLedger } from '../../src/spec/ledger-render.js';
import { configPropertyPaths } from '../helpers/schema-properties.js';

const REPO = join(import.meta.dirname, '../..');
const BEGIN = '<!-- ledger:begin: made from src/spec/ledger.ts by `npm run ledger` -->';
const END = '<!-- ledger:end -->';

/** The entries whose paths cover a schema path (exactly, or as a subtree entry above it). */
function coveringEntries(path: string) {
  return LEDGER.filter((e) => e.paths.some((p) => p === path || (e.subtree && path.startsWith(`${p}/`))));
}

describe('the field ledger', () => {
  const schemaPaths = configPropertyPaths();

  it('the schema walk finds the whole config (a sanity check of the walker)', () => {
    for (const p of ['/ociVersion', '/mounts/*/destination', '/process/execCPUAffinity/final', '/linux/memoryPolicy/flags', '/linux/seccomp/syscalls/*/args/*/op', '/linux/sysctl/*', '/hooks/poststop/*/timeout']) {
      expect(schemaPaths).toContain(p);
    }
  });

  it('every property of config.json is honoured, refused or ignored: in exactly one entry', () => {
    const missing = schemaPaths.filter((p) => coveringEntries(p).length === 0);
    const twice = schemaPaths.filter((p) => coveringEntries(p).length > 1);
    expect(missing, 'schema properties the ledger does not list (add them to src/spec/ledger.ts)').toEqual([]);
    expect(twice, 'schema properties listed in more than one entry').toEqual([]);
  });

  it('names no property the schema lacks', () => {
    const stale = LEDGER.flatMap((e) => e.paths).filter((p) => !schemaPaths.includes(p));
    expect(stale).toEqual([]);
  });

  it('honoured and refused entries name test files that exist and mention the field', () => {
    for (const e of LEDGER) {
      if (e.status === 'ignored') {
        expect(e.note.length, `${e.paths[0]}: an ignored field says why`).toBeGreaterThan(10);
        continue;
      }
      expect(e.proof?.length, `${e.paths[0]}: no test named`).toBeGreaterThan(0);
      expect(e.kind, `${e.paths[0]}: the kind of proof`).toBeDefined();
      const names = new Set(e.paths.map((p) => p.split('/').filter((s) => s !== '*').pop()!));
      const texts = e.proof!.map((f) => {
        expect(existsSync(join(REPO, f)), `${e.paths[0]}: ${f} does not exist`).toBe(true);
        return readFileSync(join(REPO, f), 'utf8');
      });
      const mentioned = [...names].some((n) => texts.some((t) => t.includes(n)));
      expect(mentioned, `${e.paths[0]}: none of ${e.proof!.join(', ')} mentions ${[...names].join(' / ')}`).toBe(true);
    }
    for (const a of ANNOTATIONS) {
      for (const f of a.proof) expect(readFileSync(join(REPO, f), 'utf8').includes(a.name), `${a.name}: ${f} does not mention it`).toBe(true);
    }
  });

  it("README's status table is the ledger (BERTH_WRITE_LEDGER=1 rewrites it: npm run ledger)", () => {
    const file = join(REPO, 'README.md');
    const readme = readFileSync(file, 'utf8');
    const a = readme.indexOf(BEGIN);
    const b = readme.indexOf(END);
    expect(a, 'README has the ledger markers').toBeGreaterThan(0);
    expect(b).toBeGreaterThan(a);
    const want = `${BEGIN}\n${renderLedger()}\n${END}`;
    const have = readme.slice(a, b + END.length);
    if (process.env.BERTH_WRITE_LEDGER === '1' && have !== want) writeFileSync(file, readme.slice(0, a) + want + readme.slice(b + END.length));
    else expect(have).toBe(want);
  });
});
