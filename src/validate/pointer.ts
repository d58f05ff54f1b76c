/** A JSON pointer (RFC 6901) from path segments: pointer('linux', 'namespaces', 2) is "/linux/namespaces/2". */
export function pointer(...segments: (string | number)[]): string {
  return segments.map((s) => '/' + String(s).replace(/~/g, '~0').replace(/\//g, '~1')).join('');
}

/** `base` (a pointer, "" for the document) extended by segments. */
export function under(base: string, ...segments: (string | number)[]): string {
  return base + pointer(...segments);
}
