import { existsSync, readFileSync, writeFileSync, chmodSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { berth, type TestBundle } from '../../test/helpers/bundle.js';
import { SPEC_DIR } from '../../test/helpers/official-schemas.js';
export { alive } from '../../test/helpers/procfs.js';

/**
 * The spec sentence a test checks, as `file:line "sentence"`, found in ../shared/oci-spec: a test
 * name cannot drift from the text it claims to check. Throws (failing the suite at collection)
 * when the sentence is not in the file; without the spec checkout it names the sentence only.
 */
export function sentence(file: 'runtime.md' | 'runtime-linux.md', text: string): string {
  const path = join(SPEC_DIR, file);
  if (!existsSync(path)) return `${file} "${text}"`;
  const lines = readFileSync(path, 'utf8').split('\n');
  const i = lines.findIndex((l) => l.includes(text));
  if (i < 0) throw new Error(`${file} has no sentence "${text}"`);
  return `${file}:${i + 1} "${text}"`;
}

export function state(b: TestBundle, id: string): any {
  const r = berth(b, ['state', id]);
  expect(r.status, r.stderr).toBe(0);
  return JSON.parse(r.stdout);
}

export async function waitFor(what: string, pred: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/**
 * A hook script in the bundle dir: appends `<name> <status from the state on stdin>` to
 * `<bundle>/hooks.log`, then exits with `code`. Runs on the host (its /bin/sh, grep).
 */
export function hook(b: TestBundle, name: string, code = 0): { path: string; args: string[] } {
  const path = join(b.dir, `hook-${name}.sh`);
  writeFileSync(
    path,
    `#!/bin/sh\nstatus=$(grep -o '"status": *"[a-z]*"' | sed 's/.*"\\([a-z]*\\)"$/\\1/')\necho "${name} $status" >> ${join(b.dir, 'hooks.log')}\nexit ${code}\n`,
  );
  chmodSync(path, 0o755);
  return { path, args: [path] };
}

export function hookLog(b: TestBundle): string[] {
  const p = join(b.dir, 'hooks.log');
  return existsSync(p) ? readFileSync(p, 'utf8').trim().split('\n').filter(Boolean) : [];
}

