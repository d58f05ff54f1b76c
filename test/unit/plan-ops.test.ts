// The operation codes are defined twice, once per side of the plan: addon/init/ops.h (the init)
// and src/plan/ops.ts (the planner); docs/PLAN-FORMAT.md documents them. All three must agree:
// same names, same numbers.
import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Op } from '../../src/plan/ops.js';

const REPO = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

/** `enum OpCode { NAME = N, ... }` of addon/init/ops.h, in source order, and BERTH_OP_MAX. */
function parseOpsHeader(): { ops: [string, number][]; max: number | undefined } {
  const text = readFileSync(join(REPO, 'addon/init/ops.h'), 'utf8').replace(/\/\/[^\n]*|\/\*[\s\S]*?\*\//g, '');
  const body = /enum\s+(?:class\s+)?OpCode\b[^{]*\{([^}]*)\}/.exec(text);
  if (!body) throw new Error('addon/init/ops.h has no `enum OpCode { ... }`');
  const ops: [string, number][] = [];
  for (const item of body[1]!.split(',').map((s) => s.trim()).filter(Boolean)) {
    const m = /^([A-Z][A-Z0-9_]*)\s*=\s*(\d+)$/.exec(item);
    if (!m) throw new Error(`addon/init/ops.h: cannot read enumerator "${item}" (every one needs an explicit number)`);
    ops.push([m[1]!, Number(m[2])]);
  }
  const max = /#define\s+BERTH_OP_MAX\s+(\d+)/.exec(text);
  return { ops, max: max ? Number(max[1]) : undefined };
}

/** `| code | NAME | args | effect |` rows of the operations table in docs/PLAN-FORMAT.md. */
function parseDocTable(): [string, number][] {
  const text = readFileSync(join(REPO, 'docs/PLAN-FORMAT.md'), 'utf8');
  const rows: [string, number][] = [];
  for (const m of text.matchAll(/^\|\s*(\d+)\s*\|\s*([A-Z][A-Z0-9_]*)\s*\|/gm)) rows.push([m[2]!, Number(m[1])]);
  return rows;
}

describe('plan operation codes', () => {
  const ts = Object.entries(Op) as [string, number][];

  it('src/plan/ops.ts: unique numbers 1..N without gaps', () => {
    const codes = ts.map(([, c]) => c).sort((a, b) => a - b);
    expect(codes).toEqual(codes.map((_, i) => i + 1));
  });

  it('addon/init/ops.h has the same names with the same numbers as src/plan/ops.ts', () => {
    const { ops } = parseOpsHeader();
    expect(Object.fromEntries(ops)).toEqual(Object.fromEntries(ts));
    expect(ops.length).toBe(ts.length); // no name twice in the enum
  });

  it('BERTH_OP_MAX is the highest code', () => {
    const { max } = parseOpsHeader();
    expect(max).toBe(Math.max(...ts.map(([, c]) => c)));
  });

  it('docs/PLAN-FORMAT.md documents the same table', () => {
    expect(Object.fromEntries(parseDocTable())).toEqual(Object.fromEntries(ts));
  });
});
