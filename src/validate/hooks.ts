import type { Report } from './findings.js';
import { pointer } from './pointer.js';

/** config.md "POSIX-platform Hooks": each hook's path MUST be absolute; prestart is deprecated. */
export function checkHooks(c: any, r: Report): void {
  for (const [kind, hooks] of Object.entries<any>(c.hooks ?? {})) {
    if (!Array.isArray(hooks)) continue; // an unknown property: ignored (config.md "Extensibility")
    if (kind === 'prestart' && hooks.length > 0) r.warn('/hooks/prestart', 'is deprecated; use createRuntime, createContainer or startContainer');
    hooks.forEach((h: any, i: number) => {
      if (typeof h?.path === 'string' && !h.path.startsWith('/')) r.error(pointer('hooks', kind, i, 'path'), `must be an absolute path, not ${JSON.stringify(h.path)}`);
      for (const field of ['args', 'env']) {
        (Array.isArray(h?.[field]) ? h[field] : []).forEach((v: unknown, j: number) => {
          if (typeof v === 'string' && v.includes('\0')) r.error(pointer('hooks', kind, i, field, j), 'must not contain a NUL character');
        });
      }
    });
  }
}
