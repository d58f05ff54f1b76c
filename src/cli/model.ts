/**
 * The command line as data: every command, flag, alias, description and argument form, read
 * from the yargs definitions themselves (src/cli/yargs.ts `buildCli`), which stay the one
 * source. `buildCli` is given a recorder in place of yargs: it takes the same calls and keeps
 * what they say, and each command's builder is run against a recorder of its own. The man
 * pages and the shell completions (src/install/) are made from this model at build time, and
 * `--help` is yargs' rendering of the same definitions, so a flag defined once shows up in all
 * three. Pure: nothing is parsed and no command module is imported.
 */
import type { Argv } from 'yargs';
import { buildCli, COMMAND_NAMES } from './yargs.js';

export type FlagType = 'string' | 'boolean' | 'number';

export interface FlagModel {
  /** The long name, without dashes. */
  name: string;
  /** Other names: one letter (`-b`) or long (`--cpu-shares`). */
  aliases: string[];
  type: FlagType;
  describe: string;
  default?: unknown;
  choices?: string[];
  /** Given more than once (`--env A --env B`), or taking several words. */
  repeatable: boolean;
}

export interface PositionalModel {
  name: string;
  describe: string;
  /** `<id>`: required; `[signal]`: optional. */
  required: boolean;
  /** `[command..]`: the rest of the words. */
  variadic: boolean;
  default?: unknown;
}

export interface CommandModel {
  name: string;
  aliases: string[];
  /** The form in yargs' terms, e.g. `kill <id> [signal]`. */
  form: string;
  summary: string;
  positionals: PositionalModel[];
  flags: FlagModel[];
  /** Text after the options in `--help` (update's -r format), if any. */
  epilog?: string;
}

export interface CliModel {
  usage: string;
  globals: FlagModel[];
  commands: CommandModel[];
}

interface Recorded {
  usage: string;
  flags: FlagModel[];
  positionals: Map<string, Omit<PositionalModel, 'required' | 'variadic'>>;
  commands: CommandModel[];
  epilog?: string;
}

/**
 * yargs' chaining calls that only configure parsing, checks or output: nothing to document. Calls
 * that define or describe flags in other ways (`.boolean()`, `.describe()`, `.hide()`, ...) are
 * not here: recorder() throws on them, so that the docs never silently miss a flag.
 */
const IGNORED = new Set([
  'scriptName', 'parserConfiguration', 'demandCommand', 'demandOption', 'strict', 'strictOptions', 'strictCommands',
  'version', 'help', 'alias', 'wrap', 'fail', 'example', 'check', 'conflicts', 'implies', 'coerce', 'middleware',
  'requiresArg', 'showHelpOnFail', 'exitProcess', 'locale', 'updateStrings', 'group',
]);

function asList(v: unknown): string[] {
  if (v === undefined) return [];
  return (Array.isArray(v) ? v : [v]).map(String);
}

function flagModel(name: string, o: Record<string, any>): FlagModel {
  const type: FlagType = o.type === 'boolean' || o.type === 'number' ? o.type : 'string';
  return {
    name,
    aliases: asList(o.alias),
    type,
    describe: typeof o.describe === 'string' ? o.describe : (o.description ?? o.desc ?? ''),
    ...(o.default !== undefined ? { default: o.default } : {}),
    ...(o.choices !== undefined ? { choices: asList(o.choices) } : {}),
    repeatable: o.array === true || o.nargs === 1,
  };
}

/** `kill <id> [signal]` → the positionals in order, with what positional() said of each. */
function positionalsOf(form: string, seen: Recorded['positionals']): PositionalModel[] {
  const out: PositionalModel[] = [];
  for (const m of form.matchAll(/([<[])([^>\]]+)[>\]]/g)) {
    const variadic = m[2]!.endsWith('..');
    const name = variadic ? m[2]!.slice(0, -2) : m[2]!;
    const p = seen.get(name);
    out.push({ name, describe: p?.describe ?? '', required: m[1] === '<', variadic, ...(p?.default !== undefined ? { default: p.default } : {}) });
  }
  return out;
}

/** A stand-in for yargs' Argv that records the definitions instead of parsing. */
function recorder(into: Recorded): Argv {
  const self: Argv = new Proxy({} as Argv, {
    get(_t, prop) {
      if (typeof prop !== 'string') return undefined;
      const chain = (f: (...a: any[]) => void) => (...a: any[]) => {
        f(...a);
        return self;
      };
      switch (prop) {
        case 'usage':
          return chain((text: string) => (into.usage = text));
        case 'option':
          return chain((name: string, o: Record<string, any> = {}) => {
            if (!o.hidden) into.flags.push(flagModel(name, o));
          });
        case 'options':
          return chain((all: Record<string, Record<string, any>>) => {
            for (const [name, o] of Object.entries(all)) if (!o.hidden) into.flags.push(flagModel(name, o));
          });
        case 'positional':
          return chain((name: string, o: Record<string, any> = {}) => into.positionals.set(name, { name, describe: o.describe ?? '', ...(o.default !== undefined ? { default: o.default } : {}) }));
        case 'epilog':
        case 'epilogue':
          return chain((text: string) => (into.epilog = text));
        case 'command':
          return chain((cmd: string | string[] | Record<string, any>, summary?: string, builder?: (y: Argv) => unknown) => {
            // The object form: { command, aliases, describe, builder, handler }.
            if (typeof cmd === 'object' && !Array.isArray(cmd)) {
              summary = cmd.describe ?? cmd.description ?? cmd.desc;
              builder = cmd.builder;
              cmd = [...asList(cmd.command), ...asList(cmd.aliases)];
            }
            const [form, ...aliases] = asList(cmd);
            const sub: Recorded = { usage: '', flags: [], positionals: new Map(), commands: [] };
            if (typeof builder === 'function') builder(recorder(sub));
            into.commands.push({
              name: form!.split(' ')[0]!,
              aliases,
              form: form!,
              summary: summary ?? '',
              positionals: positionalsOf(form!, sub.positionals),
              flags: sub.flags,
              ...(sub.epilog ? { epilog: sub.epilog } : {}),
            });
          });
        default:
          if (IGNORED.has(prop)) return chain(() => {});
          // A yargs call this model does not know would be lost from the docs: say so.
          throw new Error(`cli model: yargs .${prop}() is not modelled (src/cli/model.ts)`);
      }
    },
  });
  return self;
}

/** The model of what `define` declares on a yargs instance. */
export function recordCli(define: (y: Argv) => unknown): CliModel {
  const top: Recorded = { usage: '', flags: [], positionals: new Map(), commands: [] };
  define(recorder(top));
  return { usage: top.usage, globals: top.flags, commands: top.commands };
}

/** The command line as buildCli defines it. */
export const cliModel = (): CliModel => recordCli((y) => buildCli([], y));

/** Command words runYargs takes that are not yargs commands (runc's `help [COMMAND]`). */
export function extraCommandWords(model: CliModel): string[] {
  const defined = new Set(model.commands.flatMap((c) => [c.name, ...c.aliases]));
  return COMMAND_NAMES.filter((n) => !defined.has(n));
}
