import { describe, it, expect } from 'vitest';
import { officialErrors, officialFixtures, officialValidator } from '../helpers/official-schemas.js';
import { schemaAccepts } from '../../src/validate/schema.js';
import { validateConfig } from '../../src/validate/config.js';
import { validateState } from '../../src/validate/state.js';
import { validateFeatures } from '../../src/validate/features.js';

const full = { config: validateConfig, state: validateState, features: validateFeatures };

function parse(text: string): { ok: true; doc: unknown } | { ok: false } {
  try {
    return { ok: true, doc: JSON.parse(text) };
  } catch {
    return { ok: false };
  }
}

/**
 * Differential test: for every official fixture, berth's schema layer gives the same verdict as
 * the official schema (compiled here with ajv-draft-04), and the official verdict matches the
 * fixture's folder, so the test cannot pass vacuously. Invalid JSON counts as rejected by both.
 */
for (const kind of ['config', 'state', 'features'] as const) {
  describe(`${kind} fixtures`, () => {
    const fixtures = officialFixtures(kind);
    it('has good and bad fixtures', () => {
      expect(fixtures.filter((f) => f.verdict === 'good').length).toBeGreaterThan(0);
      expect(fixtures.filter((f) => f.verdict === 'bad').length).toBeGreaterThan(0);
    });
    for (const f of fixtures) {
      it(`${f.verdict}/${f.name}`, () => {
        const p = parse(f.text);
        const official = p.ok && officialValidator(kind)(p.doc);
        expect(official, JSON.stringify(p.ok ? officialErrors(kind, p.doc) : 'invalid JSON')).toBe(f.verdict === 'good');
        expect(p.ok && schemaAccepts(kind, p.doc)).toBe(official);
        // A bad document stays bad through the full validator, with a JSON path in its message.
        if (p.ok && f.verdict === 'bad') {
          const errors = full[kind](p.doc).errors;
          expect(errors.length).toBeGreaterThan(0);
          expect(errors[0]).toMatch(new RegExp(`^${kind}\\.json: /\\S*: `));
        }
      });
    }
  });
}
