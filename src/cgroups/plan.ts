/** Small helpers shared by the per-controller planners (pure). */
import { CgroupError } from './errors.js';
import type { CgroupWrite } from './types.js';

export function write(
  controller: string,
  file: string,
  value: string | bigint,
  field: string,
  extra: Partial<Pick<CgroupWrite, 'ignoreMissing' | 'deferOnEinval' | 'check'>> = {},
): CgroupWrite {
  return { controller, file, value: typeof value === 'bigint' ? value.toString() : value, field, ...extra };
}

export function planError(field: string, what: string): CgroupError {
  return new CgroupError(`${field}: ${what}`);
}

/** A bigint from a control file's text ("max" → undefined). */
export function readBig(text: string | undefined): bigint | undefined {
  if (text === undefined) return undefined;
  const t = text.trim();
  return /^-?\d+$/.test(t) ? BigInt(t) : undefined;
}
