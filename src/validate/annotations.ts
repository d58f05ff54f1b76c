import type { Report } from './findings.js';
import { pointer } from './pointer.js';

/** config.md "Annotations": keys MUST NOT be empty. */
export function checkAnnotations(c: any, r: Report): void {
  if (c.annotations && Object.hasOwn(c.annotations, '')) r.error(pointer('annotations', ''), 'an annotation key must not be empty');
}
