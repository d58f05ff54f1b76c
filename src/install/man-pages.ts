/**
 * The man pages, in roff, from the command-line model: berth(8) (commands, global flags,
 * environment, exit status, files, engines) and berth-COMMAND(8) for every command. Made at
 * build time (scripts/build.mjs through src/install/generate.ts). Pure.
 */
import type { CliModel, CommandModel, FlagModel, PositionalModel } from '../cli/model.js';
import { extraCommandWords } from '../cli/model.js';
import { DESCRIPTION, ENGINES, ENVIRONMENT, EXIT_STATUS, FILES } from './man-facts.js';
import { bold, italic, literal, paragraph, roffText, section, seeAlso, subsection, tagged, title } from './roff.js';

export interface ManMeta {
  /** berth's version, e.g. 0.1.0. */
  version: string;
  /** The date the page shows (the commit's), YYYY-MM-DD. */
  date: string;
}

const MANUAL = 'berth manual';
const SECTION = 8;

export const pageName = (command?: string): string => (command ? `berth-${command}` : 'berth');
export const pageFile = (command?: string): string => `${pageName(command)}.${SECTION}`;

const dashed = (name: string): string => (name.length === 1 ? `-${name}` : `--${name}`);

/** `-b, --bundle value`: the flag's names and what it takes. */
function flagTag(f: FlagModel): string {
  const names = [...f.aliases.filter((a) => a.length === 1), f.name, ...f.aliases.filter((a) => a.length > 1)].map((n) => bold(dashed(n))).join(', ');
  if (f.type === 'boolean') return names;
  const value = f.choices ? f.choices.join('|') : f.type === 'number' ? 'n' : 'value';
  return `${names} ${italic(value)}`;
}

function flagBody(f: FlagModel): string {
  const notes: string[] = [];
  if (f.default !== undefined && f.default !== false && f.default !== '' && !(Array.isArray(f.default) && f.default.length === 0)) notes.push(`default: ${String(f.default)}`);
  if (f.repeatable) notes.push('may be given more than once');
  return notes.length ? `${f.describe} (${notes.join('; ')})` : f.describe;
}

const flagList = (flags: FlagModel[]): string => flags.map((f) => tagged(flagTag(f), flagBody(f))).join('\n');

/** `kill <id> [signal]` → `\fBkill\fR \fIid\fR [\fIsignal\fR]`. */
function formText(c: CommandModel): string {
  const arg = (p: PositionalModel) => {
    const word = `${italic(p.name)}${p.variadic ? ' ...' : ''}`;
    return p.required ? word : `[${word}]`;
  };
  return [bold(c.name), ...(c.flags.length ? [`[${italic('options')}]`] : []), ...c.positionals.map(arg)].join(' ');
}

const synopsis = (c: CommandModel): string => `${bold('berth')} [${italic('global options')}] ${formText(c)}`;

function header(name: string, meta: ManMeta, what: string): string[] {
  return [
    `.\\" Generated from berth's command-line definitions (src/cli/yargs.ts) by src/install/man-pages.ts: do not edit.`,
    title(name, SECTION, meta.date, `berth ${meta.version}`, MANUAL),
    section('name'),
    `${name} \\- ${roffText(what)}`,
  ];
}

export function commandPage(c: CommandModel, meta: ManMeta): string {
  const lines = [...header(pageName(c.name), meta, c.summary), section('synopsis'), synopsis(c), section('description'), paragraph(`berth ${c.name}: ${c.summary}.`)];
  if (c.aliases.length) lines.push(paragraph(`Also spelt: ${c.aliases.map((a) => `berth ${a}`).join(', ')}.`));
  if (c.positionals.length) {
    lines.push(section('arguments'));
    for (const p of c.positionals) lines.push(tagged(italic(p.name), p.default !== undefined ? `${p.describe} (default: ${String(p.default)})` : p.describe));
  }
  lines.push(section('options'));
  if (c.flags.length) lines.push(flagList(c.flags));
  lines.push(tagged(`${bold('-h')}, ${bold('--help')}`, 'show the usage and these options'));
  lines.push(paragraph('The global options of berth(8) are taken before the command.'));
  if (c.epilog) lines.push(section('notes'), literal(c.epilog));
  lines.push(section('see also'), seeAlso(['berth(8)']));
  return `${lines.join('\n')}\n`;
}

export function mainPage(model: CliModel, meta: ManMeta): string {
  const lines = [
    ...header('berth', meta, 'OCI container runtime with the command line of runc'),
    section('synopsis'),
    `${bold('berth')} [${italic('global options')}] ${italic('command')} [${italic('options')}] ${italic('container-id')} ...`,
    `.br`,
    `${bold('berth')} [${italic('global options')}] ${bold('--version')}`,
    section('description'),
    ...DESCRIPTION.map(paragraph),
    section('commands'),
  ];
  for (const c of model.commands) {
    const also = c.aliases.length ? ` (also ${c.aliases.join(', ')})` : '';
    lines.push(tagged(formText(c), `${c.summary}${also}. See berth-${c.name}(8).`));
  }
  for (const word of extraCommandWords(model)) {
    if (word === 'help') lines.push(tagged(`${bold('help')} [${italic('command')}]`, 'the usage of berth, or of one command (as command --help).'));
    else lines.push(tagged(bold(word), `see berth ${word} --help.`));
  }
  lines.push(
    section('global options'),
    flagList(model.globals),
    tagged(`${bold('-v')}, ${bold('--version')}`, "print berth's version, commit, the runtime-spec version and the JavaScript runtime, then exit"),
    tagged(`${bold('-h')}, ${bold('--help')}`, 'show the usage'),
    section('environment'),
    ...ENVIRONMENT.map(([v, what]) => tagged(bold(v), what)),
    section('exit status'),
    ...EXIT_STATUS.map(([code, what]) => tagged(bold(code), what)),
    section('files'),
    ...FILES.map(([path, what]) => tagged(italic(path), what)),
    paragraph('ROOT is --root, ID a container id, BUNDLE the bundle directory.'),
    section('engines'),
    paragraph('berth takes runc\'s place wherever an engine lets you name the runtime binary:'),
  );
  for (const e of ENGINES) lines.push(subsection(e.engine), paragraph(e.text), literal(e.snippet));
  lines.push(section('see also'), seeAlso([...model.commands.map((c) => `${pageName(c.name)}(8)`), 'runc(8)']));
  return `${lines.join('\n')}\n`;
}

/** Every page: file name (berth.8, berth-create.8, ...) → roff. */
export function manPages(model: CliModel, meta: ManMeta): Map<string, string> {
  const pages = new Map<string, string>([[pageFile(), mainPage(model, meta)]]);
  for (const c of model.commands) pages.set(pageFile(c.name), commandPage(c, meta));
  return pages;
}
