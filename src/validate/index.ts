// The validators: each returns { errors, warnings }, one line each: `FILE: /json/pointer: message`.
export { validateConfig, configSchemaAccepts, type ConfigOptions } from './config.js';
export { validateProcess, type ProcessOptions } from './process.js';
export { validateState } from './state.js';
export { validateFeatures } from './features.js';
export { schemaAccepts, schemaErrors, type SchemaKind } from './schema.js';
export { renderSchemaError } from './render.js';
export { pointer } from './pointer.js';
export { parseSemver, compareSemver, type SemVer } from './semver.js';
export { SUPPORTED_MAJOR } from './oci-version.js';
export type { Findings } from './findings.js';
