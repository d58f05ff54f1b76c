import type { Report } from './findings.js';
import { pointer } from './pointer.js';

/**
 * config-linux.md "Devices": path is the full path inside the container; major and minor are
 * REQUIRED unless type is p; the same type, major and minor SHOULD NOT be used twice.
 */
export function checkDevices(linux: any, r: Report): void {
  const seen = new Map<string, number>();
  (linux.devices ?? []).forEach((d: any, i: number) => {
    if (!d.path.startsWith('/')) r.error(pointer('linux', 'devices', i, 'path'), `must be an absolute path, not ${JSON.stringify(d.path)}`);
    if (d.type === 'p') return;
    for (const n of ['major', 'minor']) if (d[n] === undefined) r.error(pointer('linux', 'devices', i, n), `is required for a type "${d.type}" device`);
    const key = `${d.type} ${d.major}:${d.minor}`;
    const first = seen.get(key);
    if (first !== undefined) r.warn(pointer('linux', 'devices', i), `same type, major and minor as /linux/devices/${first}`);
    else seen.set(key, i);
  });
}
