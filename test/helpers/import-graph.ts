import { join } from 'node:path';
import * as esbuild from 'esbuild';

const REPO = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');

/**
 * The modules a source file loads before its code runs: the closure of its static imports
 * (`import ... from`), as esbuild resolves them; dynamic `import()` is left out (loaded only when
 * reached). Paths are relative to the checkout; packages appear as node_modules/... paths.
 */
export async function staticImports(entry: string): Promise<Set<string>> {
  const r = await esbuild.build({
    entryPoints: [join(REPO, entry)],
    absWorkingDir: REPO,
    bundle: true,
    write: false,
    metafile: true,
    platform: 'node',
    format: 'esm',
    outfile: 'out.js',
    logLevel: 'silent',
  });
  const inputs = r.metafile.inputs;
  const seen = new Set<string>();
  const visit = (f: string): void => {
    if (seen.has(f)) return;
    seen.add(f);
    for (const i of inputs[f]?.imports ?? []) if (i.kind === 'import-statement' && !i.external) visit(i.path);
  };
  visit(entry);
  return seen;
}
