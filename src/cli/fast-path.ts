/**
 * The command lines engines issue for every container — create, start, state, kill, delete,
 * pause, resume, ps, run, `exec --process FILE`, list, `update --resources FILE`, `events
 * --stats` and features — in their exact, simple forms,
 * parsed without loading yargs (it costs more start-up than the command's own work). Anything
 * else — help, unknown flags, other commands, odd spellings — returns undefined and goes to the
 * full yargs parser, which defines the same commands and flags with the same defaults
 * (test/unit/cli-fast-path.test.ts compares the two). Pure.
 */
export interface FastCommand {
  command: 'create' | 'run' | 'exec' | 'state' | 'start' | 'kill' | 'delete' | 'pause' | 'resume' | 'ps' | 'list' | 'update' | 'events' | 'features';
  args: Record<string, any>;
}

export interface FlagTable {
  /** Flag → argument name, for flags without a value. */
  bool: Record<string, string>;
  /** Flag → argument name, for flags with one value (`--f v` or `--f=v`). */
  value: Record<string, string>;
  /** Argument names whose value is a non-negative integer. */
  numbers?: string[];
  /** Defaults (as yargs sets them). */
  defaults: Record<string, unknown>;
  /** How many positionals after the command: [min, max]. */
  positionals: [number, number];
}

export const GLOBAL: FlagTable = {
  bool: { '--debug': 'debug', '--systemd-cgroup': 'systemd-cgroup' },
  value: { '--root': 'root', '--log': 'log', '--log-format': 'log-format' },
  defaults: { 'log-format': 'text', debug: false, 'systemd-cgroup': false, rootless: 'auto' },
  positionals: [0, 0],
};

const CREATE_BOOL = { '--no-pivot': 'no-pivot', '--no-new-keyring': 'no-new-keyring' };
const CREATE_VALUE = { '--bundle': 'bundle', '-b': 'bundle', '--console-socket': 'console-socket', '--pid-file': 'pid-file', '--preserve-fds': 'preserve-fds', '--pidfd-socket': 'pidfd-socket' };
const CREATE_DEFAULTS = { bundle: '.', 'no-pivot': false, 'no-new-keyring': false, 'preserve-fds': 0 };
const ID_ONLY: FlagTable = { bool: {}, value: {}, defaults: {}, positionals: [1, 1] };

export const COMMANDS: Record<FastCommand['command'], FlagTable> = {
  create: { bool: CREATE_BOOL, value: CREATE_VALUE, numbers: ['preserve-fds'], defaults: CREATE_DEFAULTS, positionals: [1, 1] },
  run: {
    bool: { ...CREATE_BOOL, '--detach': 'detach', '-d': 'detach', '--keep': 'keep', '--no-subreaper': 'no-subreaper' },
    value: CREATE_VALUE,
    numbers: ['preserve-fds'],
    defaults: { ...CREATE_DEFAULTS, detach: false, keep: false, 'no-subreaper': false },
    positionals: [1, 1],
  },
  // The shim's form (the process from --process) and `exec [flags] ID CMD...`: flags end at the
  // id, as runc reads them; repeatable flags (--env, --cap, ...) are yargs' to parse.
  exec: {
    bool: { '--detach': 'detach', '-d': 'detach', '--tty': 'tty', '-t': 'tty', '--no-new-privs': 'no-new-privs', '--ignore-paused': 'ignore-paused' },
    value: { '--process': 'process', '-p': 'process', '--console-socket': 'console-socket', '--pid-file': 'pid-file', '--preserve-fds': 'preserve-fds', '--user': 'user', '-u': 'user', '--cwd': 'cwd', '--pidfd-socket': 'pidfd-socket' },
    numbers: ['preserve-fds'],
    defaults: { detach: false, tty: false, 'no-new-privs': false, 'ignore-paused': false, 'preserve-fds': 0 },
    positionals: [1, 1],
  },
  state: ID_ONLY,
  start: ID_ONLY,
  pause: ID_ONLY,
  resume: ID_ONLY,
  kill: { bool: { '--all': 'all', '-a': 'all' }, value: {}, defaults: { all: false }, positionals: [1, 2] },
  delete: { bool: { '--force': 'force', '-f': 'force' }, value: {}, defaults: { force: false }, positionals: [1, 1] },
  ps: { bool: {}, value: { '--format': 'format', '-f': 'format' }, defaults: { format: 'table' }, positionals: [1, 1] },
  list: { bool: { '--quiet': 'quiet', '-q': 'quiet' }, value: { '--format': 'format', '-f': 'format' }, defaults: { format: 'table', quiet: false }, positionals: [0, 0] },
  // Only the engines' form: the resources JSON from a file or stdin.
  update: { bool: {}, value: { '--resources': 'resources', '-r': 'resources' }, defaults: {}, positionals: [1, 1] },
  events: { bool: { '--stats': 'stats' }, value: { '--interval': 'interval' }, defaults: { stats: false, interval: '5s' }, positionals: [1, 1] },
  features: { bool: {}, value: {}, defaults: {}, positionals: [0, 0] },
};

/** The words yargs also takes for a command. */
const ALIASES: Record<string, FastCommand['command']> = { ls: 'list' };

/**
 * Reads flags of `table` from argv[i..] into args; stops at the first word that is not a flag
 * when `stopAtWord`, else collects words as positionals. Returns the next index, or -1 for
 * anything it does not know.
 */
function readFlags(argv: readonly string[], i: number, table: FlagTable, args: Record<string, any>, words: string[] | undefined): number {
  for (; i < argv.length; i++) {
    const t = argv[i]!;
    if (!t.startsWith('-') || t === '-') {
      if (!words) return i;
      words.push(t);
      continue;
    }
    const eq = t.startsWith('--') ? t.indexOf('=') : -1;
    const name = eq > 0 ? t.slice(0, eq) : t;
    if (eq < 0 && name in table.bool) {
      args[table.bool[name]!] = true;
    } else if (name in table.value) {
      const v = eq > 0 ? t.slice(eq + 1) : argv[++i];
      if (v === undefined) return -1;
      const key = table.value[name]!;
      if (table.numbers?.includes(key)) {
        if (!/^\d+$/.test(v)) return -1;
        args[key] = Number(v);
      } else args[key] = v;
    } else return -1;
  }
  return i;
}

export function parseFast(argv: readonly string[]): FastCommand | undefined {
  const args: Record<string, any> = { ...GLOBAL.defaults };
  let i = readFlags(argv, 0, GLOBAL, args, undefined);
  if (i < 0 || i >= argv.length) return undefined;
  if (args['log-format'] !== 'text' && args['log-format'] !== 'json') return undefined;
  const word = argv[i++]!;
  const command = (Object.hasOwn(ALIASES, word) ? ALIASES[word] : word) as FastCommand['command'];
  if (!Object.hasOwn(COMMANDS, command)) return undefined;
  const table = COMMANDS[command];
  Object.assign(args, table.defaults);
  if (command === 'exec') return parseExec(argv, i, table, args);
  const words: string[] = [];
  if (readFlags(argv, i, table, args, words) < 0) return undefined;
  if (words.length < table.positionals[0] || words.length > table.positionals[1]) return undefined;
  if ((command === 'ps' || command === 'list') && args.format !== 'table' && args.format !== 'json') return undefined;
  if (command === 'update' && args.resources === undefined) return undefined;
  if (command === 'kill') args.signal = words[1] ?? 'SIGTERM';
  if (words.length > 0) args.id = words[0];
  return { command, args };
}

/** exec: flags, the id, then the command's own words (or none, with --process). */
function parseExec(argv: readonly string[], i: number, table: FlagTable, args: Record<string, any>): FastCommand | undefined {
  const at = readFlags(argv, i, table, args, undefined);
  if (at < 0 || at >= argv.length) return undefined;
  const words = argv.slice(at + 1);
  if (words[0] === '--') words.shift();
  if ((args.process === undefined) === (words.length === 0)) return undefined;
  args.id = argv[at];
  if (words.length > 0) args['--'] = words;
  return { command: 'exec', args };
}

/** `--version` or `-v` alone after the global flags (runc takes both there). */
export function asksVersion(argv: readonly string[]): boolean {
  let i = 0;
  while (i < argv.length - 1) {
    const t = argv[i]!;
    const eq = t.startsWith('--') ? t.indexOf('=') : -1;
    const name = eq > 0 ? t.slice(0, eq) : t;
    if (eq < 0 && name in GLOBAL.bool) i += 1;
    else if (name in GLOBAL.value) i += eq > 0 ? 1 : 2;
    else return false;
  }
  return i === argv.length - 1 && (argv[i] === '--version' || argv[i] === '-v');
}
