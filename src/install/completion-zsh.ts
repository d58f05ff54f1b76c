/**
 * zsh completion for berth (`#compdef berth`, installed as
 * /usr/share/zsh/vendor-completions/_berth), from the command-line model: the same words as the
 * bash completion (src/install/completion-words.ts) with zsh's descriptions: commands, flags
 * with their help text, flag values, container ids from `berth list -q` against the `--root`
 * given on the line, and signal names for `kill`. Pure.
 */
import type { CliModel, CommandModel, FlagModel } from '../cli/model.js';
import { extraCommandWords } from '../cli/model.js';
import { positionalKinds, shellQuote, signalNames, spellings, valueKind } from './completion-words.js';

/** Text inside an _arguments `[...]` or after a `name:` in _describe: brackets and colons escaped. */
const zshText = (s: string): string => s.replace(/\\/g, '\\\\').replace(/([[\]:])/g, '\\$1');

function valueAction(f: FlagModel): string {
  const k = valueKind(f);
  if (k === 'path') return '_files';
  if (k === 'none') return ' ';
  return `(${k.words.join(' ')})`;
}

/** One _arguments spec per spelling: `(-b --bundle)--bundle=[path to the OCI bundle]:bundle:_files`. */
function flagSpecs(f: FlagModel): string[] {
  const names = spellings(f);
  const exclusive = f.repeatable ? '*' : `(${names.join(' ')})`;
  return names.map((n) => {
    const takes = f.type === 'boolean' ? '' : n.startsWith('--') ? '=' : '+';
    const value = f.type === 'boolean' ? '' : `:${f.name}:${valueAction(f)}`;
    return shellQuote(`${exclusive}${n}${takes}[${zshText(f.describe)}]${value}`);
  });
}

function positionalSpecs(c: CommandModel): string[] {
  const kinds = positionalKinds(c);
  return c.positionals.map((p, i) => {
    const action = kinds[i] === 'id' ? '_berth_ids' : kinds[i] === 'signal' ? '_berth_signals' : ' ';
    return shellQuote(`${p.variadic ? '*' : p.required ? '' : ':'}:${p.name}:${action}`);
  });
}

const HELP = [shellQuote('(- *)'.concat('--help[show the usage and options]')), shellQuote('(- *)-h[show the usage and options]')];

function commandArm(c: CommandModel): string {
  const specs = [...c.flags.flatMap(flagSpecs), ...HELP, ...positionalSpecs(c)];
  return `    (${[c.name, ...c.aliases].join('|')})\n      _arguments -s -S \\\n        ${specs.join(' \\\n        ')} ;;`;
}

export function zshCompletion(model: CliModel): string {
  const commands = [
    ...model.commands.flatMap((c) => [c.name, ...c.aliases].map((n) => `${n}:${zshText(c.summary)}`)),
    ...extraCommandWords(model).map((n) => `${n}:${n === 'help' ? 'the usage of berth or of one command' : n}`),
  ];
  const globals = [
    ...model.globals.flatMap(flagSpecs),
    shellQuote("(- *)--version[print berth's version and exit]"),
    shellQuote("(- *)-v[print berth's version and exit]"),
    ...HELP,
  ];
  return `#compdef berth
# zsh completion for berth
# Generated from berth's command-line definitions (src/cli/yargs.ts) by src/install/completion-zsh.ts: do not edit.

# Container ids: \`berth list -q\` with the --root given on the line (_berth_root, set by _berth).
_berth_ids() {
  local -a ids
  ids=(\${(f)"$(_call_program container-ids \${(q)_berth_exe} \${_berth_root:+--root \${(q)_berth_root}} list -q 2>/dev/null)"})
  _wanted containers expl 'container id' compadd -a ids
}

_berth_signals() {
  local -a signals
  signals=(${signalNames().join(' ')})
  _wanted signals expl 'signal' compadd -a signals
}

_berth() {
  local curcontext=$curcontext state line ret=1
  local _berth_exe=$words[1] _berth_root
  local -a commands
  commands=(
    ${commands.map(shellQuote).join('\n    ')}
  )
  typeset -A opt_args
  _arguments -C -s -S \\
    ${globals.join(' \\\n    ')} \\
    '1:command:->command' \\
    '*::argument:->argument' && ret=0
  _berth_root=\${(Q)opt_args[--root]}
  case $state in
    (command)
      _describe -t commands 'berth command' commands && ret=0 ;;
    (argument)
      curcontext=\${curcontext%:*:*}:berth-$words[1]:
      case $words[1] in
${model.commands.map(commandArm).join('\n')}
        (help) _describe -t commands 'berth command' commands ;;
      esac && ret=0 ;;
  esac
  return ret
}

_berth "$@"
`;
}
