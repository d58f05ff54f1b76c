import { describe, it, expect } from 'vitest';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { SPEC_DIR, officialValidator } from '../helpers/official-schemas.js';
import { configSchemaAccepts } from '../../src/validate/config.js';
import { validateState, validateFeatures } from '../../src/validate/documents.js';

const ours = {
  config: (d: unknown) => configSchemaAccepts(d),
  state: (d: unknown) => validateState(d).errors.length === 0,
  features: (d: unknown) => validateFeatures(d).errors.length === 0,
};

/** Differential test: every official fixture gets the same verdict from berth as from the official schema. */
for (const kind of ['config', 'state', 'features'] as const) {
  describe(`${kind} fixtures`, () => {
    for (const verdict of ['good', 'bad'] as const) {
      const dir = join(SPEC_DIR, 'schema/test', kind, verdict);
      const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
      it(`has ${verdict} fixtures`, () => expect(files.length).toBeGreaterThan(0));
      for (const f of files) {
        it(`${verdict}/${f}`, () => {
          const text = readFileSync(join(dir, f), 'utf8');
          let doc: unknown;
          let parsed = true;
          try {
            doc = JSON.parse(text);
          } catch {
            parsed = false;
          }
          const official = parsed && officialValidator(kind)(doc);
          // The folder names the verdict: the test cannot pass vacuously.
          expect(official).toBe(verdict === 'good');
          expect(parsed && ours[kind](doc)).toBe(official);
        });
      }
    }
  });
}
