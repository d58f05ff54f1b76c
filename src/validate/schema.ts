import { validateConfigSchema, validateFeaturesSchema, validateProcessSchema, validateStateSchema, type SchemaValidator } from '../generated/validators.js';
import { renderSchemaError } from './render.js';

/** The documents berth has schemas for (schemas/*.schema.json, compiled at build time). */
export type SchemaKind = 'config' | 'state' | 'features' | 'process';

const VALIDATORS: Record<SchemaKind, SchemaValidator> = {
  config: validateConfigSchema,
  state: validateStateSchema,
  features: validateFeaturesSchema,
  process: validateProcessSchema,
};

/** Only the schema's verdict (for comparisons with the official schemas). */
export function schemaAccepts(kind: SchemaKind, doc: unknown): boolean {
  return VALIDATORS[kind](doc);
}

/** The schema's errors as one-line messages ([] when it accepts the document). */
export function schemaErrors(kind: SchemaKind, doc: unknown, file: string): string[] {
  const v = VALIDATORS[kind];
  if (v(doc)) return [];
  // propertyNames and if/then report the error inside them and then themselves: keep the inner one.
  const errors = (v.errors ?? []).filter((e) => e.keyword !== 'propertyNames' && e.keyword !== 'if');
  return errors.length > 0 ? errors.map((e) => renderSchemaError(file, e)) : [`${file}: /: does not match the schema`];
}
