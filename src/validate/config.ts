import { validateConfigSchema, validateProcessSchema } from '../generated/validators.js';
import { renderSchemaError } from './render.js';
import { semanticChecks, type Findings, type SemanticOptions } from './semantic.js';

export type { Findings } from './semantic.js';

export interface ConfigOptions extends Partial<SemanticOptions> {}

/**
 * config.json: the schema first (compiled at build time from schemas/), then the semantic
 * checks of semantic.ts. Errors and warnings are one line each, naming file and JSON path.
 */
export function validateConfig(doc: unknown, opts: ConfigOptions = {}): Findings {
  const file = opts.file ?? 'config.json';
  if (!validateConfigSchema(doc)) {
    return { errors: (validateConfigSchema.errors ?? []).map((e) => renderSchemaError(file, e)), warnings: [] };
  }
  return semanticChecks(doc, { ...opts, file });
}

/** Only the schema's verdict (for comparisons with the official schema). */
export function configSchemaAccepts(doc: unknown): boolean {
  return validateConfigSchema(doc);
}

/** The OCI process object `exec --process FILE` reads. */
export function validateProcess(doc: unknown, opts: { file?: string } = {}): Findings {
  const file = opts.file ?? 'process.json';
  if (!validateProcessSchema(doc)) {
    return { errors: (validateProcessSchema.errors ?? []).map((e) => renderSchemaError(file, e)), warnings: [] };
  }
  const wrapped = semanticChecks({ ociVersion: '1.0.0', process: doc }, { file, requireProcess: true });
  // Checked as /process of a config; paths are reported relative to the process document.
  const rebase = (line: string) => line.replace(`${file}: /process/`, `${file}: /`);
  return { errors: wrapped.errors.map(rebase), warnings: wrapped.warnings.map(rebase) };
}
