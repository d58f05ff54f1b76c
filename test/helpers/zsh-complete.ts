import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * zsh's own completion of a command line, the way a user gets it with TAB: an interactive zsh on
 * a pseudo-terminal (zsh/zpty) with compinit and `fpath` holding the completion under test, the
 * line typed and TAB pressed (then the line is cleared for the next one). compadd is wrapped to print what it is asked to add (after zsh's
 * matching against the word under the cursor), and a completion post-function prints an end
 * mark that the reader waits for (no sleeps). The markers are split in the typed text ("<hi""t>")
 * so that the terminal's echo of it never matches.
 */
const DRIVER = `zmodload zsh/zpty
zpty z zsh -f -i
zpty -w z "PROMPT='' RPROMPT=''; fpath=(\${(q)1} \\$fpath); autoload -U compinit; compinit -u -D"
zpty -w z 'compadd() {
  if [[ \${@[1,(i)(-|--)]} == *-(O|A|D)\\ * ]]; then builtin compadd "$@"; return; fi
  local -a hits; builtin compadd -A hits "$@"
  (( $#hits )) && print -rl -- "" "<hi""t>"\${^hits}
}'
zpty -w z 'zstyle ":completion:*" insert-tab false; berth_done() { print -r -- "" "<en""d>"; comppostfuncs=(berth_done) }; comppostfuncs=(berth_done)'
for line in "\${@[2,-1]}"; do
  zpty -w z "$line"$'\\t'
  zpty -r z out '*<end>*'
  print -r -- "<line>" "$out"
  zpty -w z $'\\x15'
done
zpty -d z
`;

/** The candidates zsh offers for each line (the cursor at its end), sorted, without duplicates. */
export function zshCompleteAll(fpathDir: string, lines: string[], env: Record<string, string> = {}): string[][] {
  const dir = mkdtempSync(join(tmpdir(), 'berth-zsh-'));
  try {
    writeFileSync(join(dir, 'driver.zsh'), DRIVER);
    const r = spawnSync('zsh', ['-f', join(dir, 'driver.zsh'), fpathDir, ...lines], { encoding: 'utf8', timeout: 120_000, env: { ...process.env, HOME: dir, ...env } });
    if (r.status !== 0) throw new Error(`zsh completion failed: ${r.stderr}`);
    return r.stdout
      .replace(/\r/g, '')
      .split('<line>')
      .slice(1)
      .map((out) => [...new Set(out.split('\n').map((l) => /^<hit>(.*)$/.exec(l)?.[1]).filter((h): h is string => h !== undefined))].sort());
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
