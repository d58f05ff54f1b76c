import { Report, type Findings } from './findings.js';
import { schemaErrors } from './schema.js';

/**
 * The OCI state document (runtime.md "State"): the schema, then the Linux rules: pid is REQUIRED
 * when status is created or running; bundle is an absolute path.
 */
export function validateState(doc: unknown, opts: { file?: string } = {}): Findings {
  const file = opts.file ?? 'state.json';
  const errors = schemaErrors('state', doc, file);
  if (errors.length > 0) return { errors, warnings: [] };
  const s = doc as any;
  const r = new Report(file);
  if ((s.status === 'created' || s.status === 'running') && s.pid === undefined) r.error('/pid', `is required when status is ${s.status}`);
  if (!s.bundle.startsWith('/')) r.error('/bundle', `must be an absolute path, not ${JSON.stringify(s.bundle)}`);
  return r.findings();
}
