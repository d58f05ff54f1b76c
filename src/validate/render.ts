import type { ErrorObject } from 'ajv';

/** One line naming the file and JSON pointer: `config.json: /linux/namespaces/2/type: must be one of …`. */
export function renderSchemaError(file: string, e: ErrorObject): string {
  const p = e.params as Record<string, any>;
  let path = e.instancePath || '';
  let msg: string;
  switch (e.keyword) {
    case 'enum':
      msg = `must be one of ${(p.allowedValues as unknown[]).map(String).join(', ')}`;
      break;
    case 'required':
      path = `${path}/${p.missingProperty}`;
      msg = 'is required';
      break;
    case 'type':
      msg = `must be ${Array.isArray(p.type) ? p.type.join(' or ') : p.type}`;
      break;
    case 'additionalProperties':
      path = `${path}/${p.additionalProperty}`;
      msg = 'is not allowed here';
      break;
    case 'propertyNames':
      msg = `has an unknown key ${JSON.stringify(p.propertyName)}`;
      break;
    case 'pattern':
      msg = `must match ${p.pattern}`;
      break;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      msg = `must be ${p.comparison} ${p.limit}`;
      break;
    case 'minItems':
      msg = `must have at least ${p.limit} item${p.limit === 1 ? '' : 's'}`;
      break;
    default:
      msg = e.message ?? e.keyword;
  }
  return `${file}: ${path || '/'}: ${msg}`;
}

/** "/a/b" from path segments, escaped as RFC 6901 says. */
export function pointer(...segments: (string | number)[]): string {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}
