/** Set to true by esbuild (`define`) when building the bundle; absent in tsc's output. */
declare const BERTH_BUNDLE: boolean | undefined;

/**
 * Absolute path of a file under dist/ (build-info.json, native/berth.node, native/berth-init).
 * tsc's output keeps the source layout, so this module is dist/dist-path.js; the bundle that
 * bin/berth runs puts its code one level down, in dist/bundle/; tests import the sources
 * (src/dist-path.ts), whose built files are in the checkout's dist/.
 */
export function distFile(rel: string): string {
  const here = import.meta.url;
  const dist =
    typeof BERTH_BUNDLE !== 'undefined' && BERTH_BUNDLE ? new URL('../', here) : here.endsWith('/src/dist-path.ts') ? new URL('../dist/', here) : new URL('./', here);
  // (URL's pathname, not node:url's fileURLToPath: that module costs start-up on Bun.)
  return decodeURIComponent(new URL(rel, dist).pathname);
}
