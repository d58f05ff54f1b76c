import Ajv04 from 'ajv-draft-04';
import { readFileSync, readdirSync } from 'node:fs';
import { join, resolve } from 'node:path';

/** ../shared/oci-spec beside the checkout (CI clones the repo with shared/ beside it). */
export const SPEC_DIR = resolve(new URL('../..', import.meta.url).pathname, '../shared/oci-spec');
const SCHEMA_DIR = join(SPEC_DIR, 'schema');

let ajv: InstanceType<typeof Ajv04> | undefined;

/** The official schemas, compiled with ajv-draft-04 (tests only): `defs.json#definitions/x` refs normalised. */
function official(): InstanceType<typeof Ajv04> {
  if (ajv) return ajv;
  ajv = new Ajv04({ strict: false, allErrors: true, validateFormats: false });
  for (const f of readdirSync(SCHEMA_DIR).filter((f) => f.endsWith('.json'))) {
    const text = readFileSync(join(SCHEMA_DIR, f), 'utf8').replace(/#definitions\//g, '#/definitions/');
    const schema = JSON.parse(text);
    schema.id = f;
    ajv.addSchema(schema, f);
  }
  return ajv;
}

const FILES = { config: 'config-schema.json', state: 'state-schema.json', features: 'features-schema.json' } as const;

export function officialValidator(kind: keyof typeof FILES): (doc: unknown) => boolean {
  const v = official().getSchema(FILES[kind]);
  if (!v) throw new Error(`official schema ${FILES[kind]} did not compile`);
  return (doc) => v(doc) as boolean;
}
