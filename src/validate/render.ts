import type { ErrorObject } from 'ajv';
import { under } from './pointer.js';

const list = (values: unknown): string => (Array.isArray(values) ? values.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ') : String(values));
const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

/** The message for one ajv error, without file or path. */
function message(e: ErrorObject): string {
  const p = e.params as Record<string, any>;
  switch (e.keyword) {
    case 'enum':
      return `must be one of ${list(p.allowedValues)}`;
    case 'const':
      return `must be ${JSON.stringify(p.allowedValue)}`;
    case 'required':
      return 'is required';
    case 'type':
      return `must be ${Array.isArray(p.type) ? p.type.join(' or ') : p.type}`;
    case 'additionalProperties':
      return 'is not allowed here';
    case 'pattern':
      return `must match ${p.pattern}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return `must be ${p.comparison} ${p.limit}`;
    case 'minItems':
      return `must have at least ${plural(p.limit, 'item')}`;
    case 'maxItems':
      return `must have at most ${plural(p.limit, 'item')}`;
    case 'minLength':
      return `must be at least ${plural(p.limit, 'character')} long`;
    case 'maxLength':
      return `must be at most ${plural(p.limit, 'character')} long`;
    case 'uniqueItems':
      return `must not repeat items (items ${p.j} and ${p.i} are equal)`;
    case 'anyOf':
    case 'oneOf':
      return 'does not match any allowed form';
    case 'false schema':
      return 'is not allowed here';
    default:
      return e.message ?? `fails ${e.keyword}`;
  }
}

/**
 * One ajv error as one line naming the file and JSON pointer:
 * `config.json: /linux/namespaces/2/type: must be one of pid, network, …`. A missing or unexpected
 * property is named in the path (`/process/cwd: is required`); a bad key of a map too.
 */
export function renderSchemaError(file: string, e: ErrorObject): string {
  let path = e.instancePath;
  let msg = message(e);
  if (e.keyword === 'required') path = under(path, String((e.params as any).missingProperty));
  else if (e.keyword === 'additionalProperties') path = under(path, String((e.params as any).additionalProperty));
  else if (e.propertyName !== undefined) {
    // An error inside propertyNames: about a key, not a value.
    path = under(path, e.propertyName);
    msg = `key ${msg}`;
  }
  return `${file}: ${path || '/'}: ${msg}`;
}
