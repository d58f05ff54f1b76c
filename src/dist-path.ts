import { fileURLToPath } from 'node:url';

/** Set to true by esbuild (`define`) when building the bundle; absent in tsc's output. */
declare const BERTH_BUNDLE: boolean | undefined;

/**
 * Absolute path of a file under dist/ (build-info.json, native/berth.node, native/berth-init).
 * tsc's output keeps the source layout, so this module is dist/dist-path.js; the bundle that
 * bin/berth runs puts its code one level down, in dist/bundle/.
 */
export function distFile(rel: string): string {
  const dist = typeof BERTH_BUNDLE !== 'undefined' && BERTH_BUNDLE ? new URL('../', import.meta.url) : new URL('./', import.meta.url);
  return fileURLToPath(new URL(rel, dist));
}
