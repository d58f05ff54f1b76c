import { configRules } from './config-rules.js';
import type { Findings } from './findings.js';
import { schemaAccepts, schemaErrors } from './schema.js';

export type { Findings } from './findings.js';
export { validateProcess } from './process.js';

export interface ConfigOptions {
  /** The name errors start with; "config.json" by default. */
  file?: string;
  /** The bundle directory: root.path is resolved against it and must be a directory. */
  bundleDir?: string;
  /** Capability names the kernel knows; others are warnings (config.md). */
  knownCaps?: ReadonlySet<string>;
  /** A config without process is an error (create/run: start needs one). Default true. */
  requireProcess?: boolean;
}

/**
 * config.json: the schema (compiled at build time from schemas/) first, then, if it passes, the
 * semantic rules of config-rules.ts. Each error and warning is one line naming file and JSON
 * pointer: `config.json: /linux/namespaces/2/type: must be one of pid, network, …`.
 */
export function validateConfig(doc: unknown, opts: ConfigOptions = {}): Findings {
  const file = opts.file ?? 'config.json';
  const errors = schemaErrors('config', doc, file);
  if (errors.length > 0) return { errors, warnings: [] };
  return configRules(doc, { file, bundleDir: opts.bundleDir, knownCaps: opts.knownCaps, requireProcess: opts.requireProcess ?? true });
}

/** Only the schema's verdict (for comparisons with the official schema). */
export function configSchemaAccepts(doc: unknown): boolean {
  return schemaAccepts('config', doc);
}
