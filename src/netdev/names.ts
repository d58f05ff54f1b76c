/**
 * Network device names as the kernel takes them (net/core/dev.c dev_valid_name, and
 * __dev_alloc_name for templates): 1-15 bytes, not "." or "..", no "/", ":", NUL or white space
 * (the kernel's isspace, Latin-1 no-break space 0xA0 included). A template has exactly one "%d",
 * for which the kernel picks the lowest free number in the namespace (config-linux.md "Network
 * Devices": "appending %d to the new name").
 */

/** IFNAMSIZ: 16 bytes with the terminating NUL. */
export const IFNAMSIZ = 16;

export function isNameTemplate(name: string): boolean {
  return name.includes('%');
}

/** Why `name` cannot name a device (undefined when it can). template: "%d" allowed (a new name). */
export function netDeviceNameProblem(name: string, template: boolean): string | undefined {
  const bytes = Buffer.from(name, 'utf8');
  if (bytes.length === 0) return 'is empty';
  if (bytes.length >= IFNAMSIZ) return `is ${bytes.length} bytes long: at most ${IFNAMSIZ - 1}`;
  if (name === '.' || name === '..') return `may not be ${JSON.stringify(name)}`;
  for (const b of bytes) {
    if (b === 0x2f || b === 0x3a) return 'may not contain "/" or ":"';
    if (b === 0 || b === 0x20 || (b >= 0x09 && b <= 0x0d) || b === 0xa0) return 'may not contain white space or NUL';
  }
  const pct = name.indexOf('%');
  if (pct >= 0) {
    if (!template) return 'may not contain "%" (a template is only for a new name)';
    if (name[pct + 1] !== 'd' || name.indexOf('%', pct + 1) >= 0) return 'may contain "%" only once, as the template "%d"';
  }
  return undefined;
}
