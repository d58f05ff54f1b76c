/**
 * The files made from the command-line model at build time, under dist/share/ (scripts/build.mjs
 * runs this module after tsc; the Debian package and the tests take them from there): the man
 * pages (man/man8/*.8), the bash completion (bash-completion/completions/berth) and the zsh one
 * (zsh/vendor-completions/_berth), laid out as under /usr/share.
 *   node dist/install/generate.js OUTDIR DATE
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { cliModel } from '../cli/model.js';
import { BERTH_VERSION } from '../version.js';
import { bashCompletion } from './completion-bash.js';
import { zshCompletion } from './completion-zsh.js';
import { manPages, type ManMeta } from './man-pages.js';

export const BASH_COMPLETION = 'bash-completion/completions/berth';
export const ZSH_COMPLETION = 'zsh/vendor-completions/_berth';
export const MAN_DIR = 'man/man8';

/** Path under /usr/share → contents. */
export function generatedFiles(meta: ManMeta): Map<string, string> {
  const model = cliModel();
  const files = new Map<string, string>();
  for (const [name, text] of manPages(model, meta)) files.set(`${MAN_DIR}/${name}`, text);
  files.set(BASH_COMPLETION, bashCompletion(model));
  files.set(ZSH_COMPLETION, zshCompletion(model));
  return files;
}

function main(argv: string[]): void {
  const [out, date] = argv;
  if (!out || !date) throw new Error('usage: node dist/install/generate.js OUTDIR YYYY-MM-DD');
  const files = generatedFiles({ version: BERTH_VERSION, date });
  for (const [path, text] of files) {
    mkdirSync(dirname(join(out, path)), { recursive: true });
    writeFileSync(join(out, path), text);
  }
  console.log(`generate: ${files.size} files in ${out} (man pages, bash and zsh completion)`);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) main(process.argv.slice(2));
