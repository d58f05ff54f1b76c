import { DEFAULT_ROOT } from './globals.js';

/**
 * The command lines engines issue for every container (ENGINES.md) — state, start, kill,
 * delete, pause, resume, ps — in their exact, simple forms, parsed without loading yargs (it
 * costs more start-up than the command's own work). Anything else — help, unknown flags, other
 * commands, odd spellings — returns undefined and goes to the full yargs parser, which defines
 * the same commands and flags. Pure.
 */
export interface FastCommand {
  command: 'state' | 'start' | 'kill' | 'delete' | 'pause' | 'resume' | 'ps';
  args: Record<string, any>;
}

const GLOBAL_VALUE: Record<string, string> = { '--root': 'root', '--log': 'log', '--log-format': 'log-format' };
const GLOBAL_BOOL: Record<string, string> = { '--debug': 'debug', '--systemd-cgroup': 'systemd-cgroup' };
const COMMAND_BOOL: Record<string, Record<string, string>> = {
  state: {},
  start: {},
  pause: {},
  resume: {},
  kill: { '--all': 'all', '-a': 'all' },
  delete: { '--force': 'force', '-f': 'force' },
  ps: {},
};

export function parseFast(argv: readonly string[]): FastCommand | undefined {
  const args: Record<string, any> = { root: DEFAULT_ROOT, 'log-format': 'text', debug: false, 'systemd-cgroup': false, rootless: 'auto' };
  let i = 0;
  for (; i < argv.length; i++) {
    const t = argv[i]!;
    if (!t.startsWith('-')) break;
    const eq = t.indexOf('=');
    const name = eq > 0 ? t.slice(0, eq) : t;
    if (name in GLOBAL_VALUE) {
      const v = eq > 0 ? t.slice(eq + 1) : argv[++i];
      if (v === undefined) return undefined;
      args[GLOBAL_VALUE[name]!] = v;
    } else if (t in GLOBAL_BOOL) args[GLOBAL_BOOL[t]!] = true;
    else return undefined;
  }
  if (args['log-format'] !== 'text' && args['log-format'] !== 'json') return undefined;
  const command = argv[i++] as FastCommand['command'];
  if (!(command in COMMAND_BOOL)) return undefined;
  const flags = COMMAND_BOOL[command]!;
  const positional: string[] = [];
  for (; i < argv.length; i++) {
    const t = argv[i]!;
    if (t in flags) args[flags[t]!] = true;
    else if (command === 'ps' && (t === '--format' || t === '-f') && (argv[i + 1] === 'json' || argv[i + 1] === 'table')) args.format = argv[++i];
    else if (t.startsWith('-')) return undefined;
    else positional.push(t);
  }
  if (command === 'kill') {
    if (positional.length < 1 || positional.length > 2) return undefined;
    args.signal = positional[1] ?? 'SIGTERM';
    args.all ??= false;
  } else if (positional.length !== 1) return undefined;
  if (command === 'delete') args.force ??= false;
  if (command === 'ps') args.format ??= 'table';
  args.id = positional[0];
  return { command, args };
}
