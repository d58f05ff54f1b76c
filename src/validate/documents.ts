import { validateFeaturesSchema, validateStateSchema } from '../generated/validators.js';
import { renderSchemaError } from './render.js';
import type { Findings } from './semantic.js';

function check(v: typeof validateStateSchema, file: string, doc: unknown): Findings {
  if (v(doc)) return { errors: [], warnings: [] };
  return { errors: (v.errors ?? []).map((e) => renderSchemaError(file, e)), warnings: [] };
}

/** The OCI state document (runtime.md "State"). */
export function validateState(doc: unknown, file = 'state.json'): Findings {
  return check(validateStateSchema, file, doc);
}

/** The OCI features document (features.md). */
export function validateFeatures(doc: unknown, file = 'features.json'): Findings {
  return check(validateFeaturesSchema, file, doc);
}
