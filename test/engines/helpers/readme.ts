import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { BERTH, REPO } from '../../helpers/bundle.js';

/** Where README.md's snippets put the berth binary (a checkout at /opt/berth). */
const README_PATH = '/opt/berth/bin/berth';

/**
 * The README.md code block of `lang` that contains `marker`, with the binary's path replaced by
 * this checkout's bin/berth: the engine lanes configure their instances with the README's own
 * snippets, so a snippet that stops working fails a test.
 */
export function readmeSnippet(lang: string, marker: string): string {
  const md = readFileSync(join(REPO, 'README.md'), 'utf8');
  const blocks = [...md.matchAll(/```(\w+)\n([\s\S]*?)```/g)].filter((m) => m[1] === lang).map((m) => m[2]!);
  const block = blocks.find((b) => b.includes(marker));
  if (!block) throw new Error(`README.md has no ${lang} block with ${marker}`);
  return block.split(README_PATH).join(BERTH);
}
