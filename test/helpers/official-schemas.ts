// The official runtime-spec JSON schemas (draft-04), compiled with ajv-draft-04: a reference for
// tests only (the runtime uses berth's own schemas/, compiled at build time).
import ajvDraft04 from 'ajv-draft-04';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The checkout root (this file is test/helpers/official-schemas.ts). */
export const REPO_ROOT = resolve(fileURLToPath(new URL('../..', import.meta.url)));
/** ../shared/oci-spec beside the checkout (CI clones the repo with shared/ beside it). */
export const SPEC_DIR = resolve(REPO_ROOT, '../shared/oci-spec');
const SCHEMA_DIR = join(SPEC_DIR, 'schema');

export type OfficialKind = 'config' | 'state' | 'features';
const FILES: Record<OfficialKind, string> = { config: 'config-schema.json', state: 'state-schema.json', features: 'features-schema.json' };

// A CommonJS module: its default export is module.exports, whose .default is the class (as typed).
const Ajv04 = ajvDraft04.default;
let ajv: InstanceType<typeof Ajv04> | undefined;

/** All official schema files, each under its file name; `defs.json#definitions/x` refs normalised to `#/definitions/x`. */
function official(): InstanceType<typeof Ajv04> {
  if (ajv) return ajv;
  const a = new Ajv04({ strict: false, allErrors: true, validateFormats: false });
  for (const f of readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.json'))) {
    const schema = JSON.parse(readFileSync(join(SCHEMA_DIR, f), 'utf8').replace(/#definitions\//g, '#/definitions/'));
    schema.id = f;
    a.addSchema(schema, f);
  }
  ajv = a;
  return a;
}

/** The official schema's verdict for a config.json, state or features document. */
export function officialValidator(kind: OfficialKind): (doc: unknown) => boolean {
  const v = official().getSchema(FILES[kind]);
  if (!v) throw new Error(`official schema ${FILES[kind]} did not compile`);
  return (doc) => v(doc) as boolean;
}

/** The official schema's errors (ajv's objects), for a test's failure message. */
export function officialErrors(kind: OfficialKind, doc: unknown): unknown[] {
  const v = official().getSchema(FILES[kind])!;
  return v(doc) ? [] : [...(v.errors ?? [])];
}

/** Every official fixture: schema/test/{config,state,features}/{good,bad}/*.json. */
export function officialFixtures(kind: OfficialKind): { verdict: 'good' | 'bad'; name: string; text: string }[] {
  return (['good', 'bad'] as const).flatMap((verdict) => {
    const dir = join(SCHEMA_DIR, 'test', kind, verdict);
    return readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .sort()
      .map((name) => ({ verdict, name, text: readFileSync(join(dir, name), 'utf8') }));
  });
}
