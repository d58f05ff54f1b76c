/**
 * Argument errors as clear as the config errors (and runc's exit codes): what comes before the
 * command is checked here, before yargs (which would read `--bogus list` as a flag with the value
 * "list"), and yargs' own messages are put in berth's words. Pure.
 */
import { BerthError } from '../errors.js';

const GLOBAL_VALUE = new Set(['--root', '--log', '--log-format', '--criu', '--rootless']);
const GLOBAL_BOOL = new Set(['--debug', '--systemd-cgroup']);
const HELP = new Set(['-h', '--help']);
const VERSION = new Set(['-v', '--version']);

/** runc's exit status for a command it does not have. */
export const UNKNOWN_COMMAND_EXIT = 3;

export type Precheck = { kind: 'version' } | { kind: 'help' } | { kind: 'command'; name: string; index: number };

/** The global flags and the command word; throws for an unknown flag or command. */
export function precheck(argv: readonly string[], commands: readonly string[]): Precheck {
  let help = false;
  let version = false;
  for (let i = 0; i < argv.length; i++) {
    const t = argv[i]!;
    if (!t.startsWith('-') || t === '-') {
      if (!commands.includes(t)) throw new BerthError(`unknown command "${t}"; see berth --help`, UNKNOWN_COMMAND_EXIT);
      return help ? { kind: 'help' } : { kind: 'command', name: t, index: i };
    }
    const name = t.startsWith('--') && t.includes('=') ? t.slice(0, t.indexOf('=')) : t;
    if (GLOBAL_VALUE.has(name)) {
      if (name === t) {
        if (i + 1 >= argv.length) throw new BerthError(`flag ${name} needs a value`);
        i++;
      }
    } else if (GLOBAL_BOOL.has(name)) continue;
    else if (HELP.has(t)) help = true;
    else if (VERSION.has(t)) version = true;
    else throw new BerthError(`unknown global flag ${name}`);
  }
  if (help) return { kind: 'help' };
  if (version) return { kind: 'version' };
  throw new BerthError('a command is required; see berth --help');
}

function flagsIn(argv: readonly string[], names: string[]): boolean {
  return names.every((n) => argv.some((t) => t === `--${n}` || t === `-${n}` || t.startsWith(`--${n}=`)));
}

/** Whether the usage text helps with this failure of yargs (a flag or argument the command lacks). */
export function showsUsage(msg: string): boolean {
  return /^(Unknown arguments?|Not enough non-option arguments)/.test(msg);
}

/** yargs' failure message in berth's words, for the command `command`. */
export function usageMessage(msg: string, argv: readonly string[], command: string | undefined): string {
  const where = command ? `${command}: ` : '';
  const unknown = /^Unknown arguments?: (.*)$/s.exec(msg);
  if (unknown) {
    const names = unknown[1]!.split(', ').map((n) => n.trim());
    if (flagsIn(argv, names)) return `${where}unknown flag${names.length > 1 ? 's' : ''} ${names.map((n) => (n.length === 1 ? `-${n}` : `--${n}`)).join(', ')}`;
    return `${where}unexpected argument${names.length > 1 ? 's' : ''} ${names.join(' ')}`;
  }
  if (/^Not enough non-option arguments/.test(msg)) return `${where}a container id is required`;
  const invalid = /Argument: ([^,]+), Given: ("[^"]*"), Choices: (.*)$/s.exec(msg);
  if (invalid) return `${GLOBAL_VALUE.has(`--${invalid[1]}`) ? '' : where}invalid --${invalid[1]} ${invalid[2]}: must be one of ${invalid[3]!.trim()}`;
  const noValue = /^Not enough arguments following: (.*)$/.exec(msg);
  if (noValue) return `${where}flag --${noValue[1]} needs a value`;
  return `${where}${msg.replace(/\s*\n\s*/g, ' ').trim()}`;
}
