import { Report, type Findings } from './findings.js';
import { checkProcess } from './process-rules.js';
import { schemaErrors } from './schema.js';

export interface ProcessOptions {
  /** The name errors start with; "process.json" by default. */
  file?: string;
  /** Capability names the kernel knows; others are warnings. */
  knownCaps?: ReadonlySet<string>;
}

/** The process object `berth exec --process FILE` reads (config.md "Process"); paths relative to it. */
export function validateProcess(doc: unknown, opts: ProcessOptions = {}): Findings {
  const file = opts.file ?? 'process.json';
  const errors = schemaErrors('process', doc, file);
  if (errors.length > 0) return { errors, warnings: [] };
  const r = new Report(file);
  checkProcess(doc, r, '', opts.knownCaps);
  return r.findings();
}
