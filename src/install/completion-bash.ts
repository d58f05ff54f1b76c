/**
 * bash completion for berth, from the command-line model: commands, each command's flags (and
 * the global ones before the command), flag values (choices, paths), container ids from
 * `berth list -q` against the `--root` given on the line, and signal names for `kill`. Works
 * with bash-completion's loader (installed as /usr/share/bash-completion/completions/berth) and
 * when sourced alone: it needs nothing but bash. Pure.
 */
import type { CliModel, FlagModel } from '../cli/model.js';
import { extraCommandWords } from '../cli/model.js';
import { positionalKinds, shellQuote, signalNames, spellings, valueKind } from './completion-words.js';

/** The flags that take a value, with the command words they belong to ('' before the command). */
function valued(model: CliModel): { words: string[]; flag: FlagModel }[] {
  const of = (words: string[], flags: FlagModel[]) => flags.filter((f) => f.type !== 'boolean').map((flag) => ({ words, flag }));
  return [...of([''], model.globals), ...model.commands.flatMap((c) => of([c.name, ...c.aliases], c.flags))];
}

/** `'create --bundle'|'create -b'|...`: the case pattern of a flag of those commands. */
const pattern = (words: string[], f: FlagModel): string => words.flatMap((w) => spellings(f).map((s) => `'${w} ${s}'`)).join('|');

function valueAction(f: FlagModel): string {
  const k = valueKind(f);
  if (k === 'path') return '_berth_reply_paths';
  if (k === 'none') return 'COMPREPLY=()';
  return `_berth_reply ${shellQuote(k.words.join(' '))}`;
}

const flagWords = (flags: FlagModel[], extra: string[]): string => shellQuote([...flags.flatMap(spellings), ...extra].join(' '));

export function bashCompletion(model: CliModel): string {
  const commandWords = [...model.commands.flatMap((c) => [c.name, ...c.aliases]), ...extraCommandWords(model)];
  const values = valued(model);
  const commandArms = model.commands.map((c) => `    ${[c.name, ...c.aliases].join('|')}) flags=${flagWords(c.flags, ['--help'])}; args='${positionalKinds(c).join(' ')}' ;;`);
  return `# bash completion for berth
# Generated from berth's command-line definitions (src/cli/yargs.ts) by src/install/completion-bash.ts: do not edit.

_berth_reply() { COMPREPLY=($(compgen -W "$1" -- "$cur")); }
_berth_reply_paths() {
  compopt -o filenames 2>/dev/null
  COMPREPLY=($(compgen -f -- "$cur"))
}

# Does flag $2 of command $1 ('' before the command) take a value?
_berth_takes_value() {
  case "$1 $2" in
    ${values.map(({ words, flag }) => pattern(words, flag)).join('|\\\n    ')}) return 0 ;;
  esac
  return 1
}

# Complete the value of flag $2 of command $1; 1 when it takes none.
_berth_value() {
  case "$1 $2" in
${values.map(({ words, flag }) => `    ${pattern(words, flag)}) ${valueAction(flag)} ;;`).join('\n')}
    *) return 1 ;;
  esac
}

# Command $1: its flags and what its positionals are (id, signal, command, none); 1 if there is none.
_berth_command() {
  case $1 in
${commandArms.join('\n')}
    help) flags=--help; args=command ;;
    *) return 1 ;;
  esac
}

_berth() {
  local cur=\${COMP_WORDS[COMP_CWORD]} prev=\${COMP_WORDS[COMP_CWORD-1]}
  local i w cmd= root= n=0 flags= args=
  COMPREPLY=()
  # --flag=value arrives as three words (= breaks words): complete the value.
  if [ "$cur" = = ]; then
    cur=
  elif [ "$prev" = = ] && [ $COMP_CWORD -gt 2 ]; then
    prev=\${COMP_WORDS[COMP_CWORD-2]}
  fi
  # The words before the cursor: global flags, the command, its flags and positionals.
  for ((i = 1; i < COMP_CWORD; i++)); do
    w=\${COMP_WORDS[i]}
    if [ "\${COMP_WORDS[i+1]}" = = ]; then
      [ "$w" = --root ] && [ $((i + 2)) -lt $COMP_CWORD ] && root=\${COMP_WORDS[i+2]}
      i=$((i + 2))
      continue
    fi
    case $w in
      --) ;;
      -*)
        [ -z "$cmd" ] && [ "$w" = --root ] && root=\${COMP_WORDS[i+1]}
        _berth_takes_value "$cmd" "$w" && i=$((i + 1)) ;;
      *)
        if [ -z "$cmd" ]; then
          cmd=$w
          _berth_command "$cmd" || return 0
        else
          n=$((n + 1))
        fi ;;
    esac
  done
  # Right after a flag that takes a value: the value.
  case $prev in -*) [ $COMP_CWORD -gt 1 ] && _berth_value "$cmd" "$prev" && return 0 ;; esac
  if [ -z "$cmd" ]; then
    case $cur in
      -*) _berth_reply ${flagWords(model.globals, ['--version', '-v', '--help', '-h'])} ;;
      *) _berth_reply ${shellQuote(commandWords.join(' '))} ;;
    esac
    return 0
  fi
  case $cur in -*) _berth_reply "$flags"; return 0 ;; esac
  # The positional under the cursor: the (n+1)th of the command's.
  set -- $args
  [ $n -lt $# ] || return 0
  shift $n
  case $1 in
    id) _berth_reply "$("\${COMP_WORDS[0]}" \${root:+--root "$root"} list -q 2>/dev/null)" ;;
    signal) _berth_reply ${shellQuote(signalNames().join(' '))} ;;
    command) _berth_reply ${shellQuote(model.commands.flatMap((c) => [c.name, ...c.aliases]).join(' '))} ;;
  esac
  return 0
}
complete -F _berth berth
`;
}
