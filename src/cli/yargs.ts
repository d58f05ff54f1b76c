import yargs, { type Argv } from 'yargs';
import { stderr, stdout } from './output.js';
import { BerthError } from '../errors.js';
import { DEFAULT_ROOT } from './globals.js';
import { runCommand, type CommandModule } from './dispatch.js';
import { precheck, showsUsage, UNKNOWN_COMMAND_EXIT, usageMessage } from './usage-errors.js';
import { versionText } from '../version.js';

/** The command word of argv (after the global flags), if any. */
function commandOf(argv: string[]): string | undefined {
  try {
    const pre = precheck(argv, COMMAND_NAMES);
    return pre.kind === 'command' ? pre.name : undefined;
  } catch {
    return undefined;
  }
}

type Args = Record<string, any>;

let pending: Promise<number> | undefined;
/** Set by parseOnly: the parsed arguments are kept instead of running the command. */
let capture: ((a: Args) => void) | undefined;

/** Defer to the command module (imported only now). */
function run(load: () => Promise<CommandModule>) {
  return (a: Args) => {
    if (capture) capture(a);
    else pending = runCommand(load, a);
  };
}

/** The arguments yargs gives the command's handler, without running it (for tests). */
export async function parseOnly(argv: string[]): Promise<Args | undefined> {
  let got: Args | undefined;
  capture = (a) => (got = a);
  try {
    await buildCli(argv).exitProcess(false).parseAsync();
  } finally {
    capture = undefined;
  }
  return got;
}

const createFlags = (y: Argv) =>
  y
    .option('bundle', { alias: 'b', type: 'string', default: '.', describe: 'path to the OCI bundle' })
    .option('console-socket', { type: 'string', describe: 'unix socket that receives the pty master' })
    .option('pid-file', { type: 'string', describe: 'file to write the init pid to' })
    .option('no-pivot', { type: 'boolean', default: false, describe: 'MS_MOVE + chroot instead of pivot_root' })
    .option('no-new-keyring', { type: 'boolean', default: false, describe: 'keep the session keyring' })
    .option('preserve-fds', { type: 'number', default: 0, describe: 'pass N extra fds (3..3+N-1) to the container' });

/** create, run and exec (not restore): a pidfd of the process to a unix socket (runc 1.2; runtime/pidfd-socket.ts). */
const pidfdFlag = (y: Argv, whose: string) =>
  y.option('pidfd-socket', { type: 'string', describe: `unix socket that receives a pidfd of ${whose} (SCM_RIGHTS)` });

/** create, run and exec: show the plan instead of carrying it out (commands/dry-run.ts). */
const dryRunFlags = (y: Argv, what: string) =>
  y
    .option('dry-run', { type: 'boolean', describe: `validate and print the plan; ${what}` })
    .option('format', { choices: ['text', 'json'] as const, describe: 'with --dry-run (default text): text, or JSON (schemas/dryrun.schema.json)' });

/** The flags runc's checkpoint and restore share (CRIU's options of the same names). */
const criuFlags = (y: Argv) =>
  y
    .option('image-path', { type: 'string', default: '', describe: 'directory of the checkpoint images (default: ./checkpoint)' })
    .option('work-path', { type: 'string', default: '', describe: "directory for CRIU's log and work files (default: the image path)" })
    .option('tcp-established', { type: 'boolean', default: false, describe: 'allow open TCP connections' })
    .option('ext-unix-sk', { type: 'boolean', default: false, describe: 'allow external unix sockets' })
    .option('shell-job', { type: 'boolean', default: false, describe: 'allow shell jobs' })
    .option('file-locks', { type: 'boolean', default: false, describe: 'handle file locks' })
    .option('manage-cgroups-mode', { type: 'string', default: '', describe: 'cgroups mode: soft, full, strict or ignore (CRIU default: soft)' })
    .option('empty-ns', { type: 'string', array: true, describe: 'create a namespace but do not restore its properties (network only)' })
    .option('auto-dedup', { type: 'boolean', default: false, describe: 'deduplicate memory pages of parent images' })
    .option('lazy-pages', { type: 'boolean', default: false, describe: 'lazy memory migration: not supported' });

const CHECKPOINT_FLAGS = {
  'parent-path': { type: 'string', default: '', describe: 'path of the previous (pre-dump) images, relative to the image path' },
  'leave-running': { type: 'boolean', default: false, describe: 'leave the container running after the checkpoint' },
  'pre-dump': { type: 'boolean', default: false, describe: "dump the container's memory only (the container keeps running)" },
  'page-server': { type: 'string', default: '', describe: "address of CRIU's page server, IP:PORT" },
  'tcp-skip-in-flight': { type: 'boolean', default: false, describe: 'skip in-flight (half-open) TCP connections' },
  'link-remap': { type: 'boolean', default: false, describe: 'link unlinked but open files back so they can be dumped' },
  'status-fd': { type: 'string', describe: 'with --lazy-pages: not supported' },
} as const;

const RESTORE_FLAGS = {
  detach: { alias: 'd', type: 'boolean', default: false, describe: 'do not wait for the restored container' },
  'no-subreaper': { type: 'boolean', default: false, describe: 'do not become the subreaper of the restored processes' },
  'lsm-profile': { type: 'string', default: '', describe: "LSM profile of the restored process, TYPE:NAME (CRIU's --lsm-profile)" },
  'lsm-mount-context': { type: 'string', default: '', describe: "SELinux mount context of the restored mounts (CRIU's --lsm-mount-context)" },
} as const;

/** update's flags (runc's names), each a string the command parses: [name, description, alias]. */
const UPDATE_FLAGS: [string, string, string?][] = [
  ['memory', 'memory limit in bytes (or 512m, 1g)'],
  ['memory-reservation', 'memory soft limit in bytes'],
  ['memory-swap', 'memory + swap limit in bytes'],
  ['kernel-memory', 'kernel memory limit: ignored with a warning (not in this kernel)'],
  ['kernel-memory-tcp', 'kernel TCP memory limit: ignored with a warning (not in this kernel)'],
  ['cpu-share', 'CPU shares (relative weight)', 'cpu-shares'],
  ['cpu-quota', 'CPU CFS quota in microseconds per period'],
  ['cpu-period', 'CPU CFS period in microseconds'],
  ['cpu-burst', 'CPU CFS burst in microseconds'],
  ['cpu-rt-period', 'CPU real-time period in microseconds'],
  ['cpu-rt-runtime', 'CPU real-time runtime in microseconds'],
  ['cpu-idle', 'cgroup v2 cpu.idle: 1 for SCHED_IDLE'],
  ['cpuset-cpus', 'CPUs to run on (e.g. 0-2,4)'],
  ['cpuset-mems', 'memory nodes to use (e.g. 0)'],
  ['pids-limit', 'maximum number of processes'],
  ['blkio-weight', 'block IO weight (10-1000)'],
  ['l3-cache-schema', 'Intel RDT L3 cache schema (a resctrl schemata line, L3:...)'],
  ['mem-bw-schema', 'Intel RDT memory bandwidth schema (a resctrl schemata line, MB:...)'],
];

/** `update --help`: the -r JSON (config-linux.md linux.resources, as containerd sends it). */
const UPDATE_JSON = `The -r JSON is a linux.resources object (config-linux.md); every field is optional:
{
  "memory": { "limit": 67108864, "reservation": 33554432, "swap": 134217728 },
  "cpu": { "shares": 512, "quota": 50000, "period": 100000, "burst": 0,
           "realtimeRuntime": 0, "realtimePeriod": 0, "cpus": "0-1", "mems": "0", "idle": 0 },
  "pids": { "limit": 100 },
  "blockIO": { "weight": 500 },
  "hugepageLimits": [ { "pageSize": "2MB", "limit": 0 } ],
  "unified": { "memory.high": "max" }
}`;

const idArg = (y: Argv) => y.positional('id', { type: 'string', describe: 'container id' });

/** The commands (and aliases) buildCli defines; `help` is runc's `help [COMMAND]`. */
export const COMMAND_NAMES = [
  'create', 'start', 'run', 'state', 'kill', 'delete', 'exec', 'list', 'ls', 'ps', 'pause', 'resume',
  'events', 'update', 'spec', 'features', 'check', 'checkpoint', 'restore', 'help',
];

/** Parse with yargs and run the command; resolves to the exit code. */
export async function runYargs(argv: string[]): Promise<number> {
  let pre;
  try {
    pre = precheck(argv, COMMAND_NAMES);
  } catch (e) {
    // An unknown global flag or no command: the global usage, then the error.
    if (e instanceof BerthError && e.exitCode !== UNKNOWN_COMMAND_EXIT) {
      buildCli([]).showHelp('error');
      stderr('\n');
    }
    throw e;
  }
  if (pre.kind === 'version') {
    stdout(versionText());
    return 0;
  }
  if (pre.kind === 'command' && pre.name === 'help') {
    const topic = argv[pre.index + 1];
    if (topic !== undefined && !COMMAND_NAMES.includes(topic)) throw new BerthError(`unknown command "${topic}"; see berth --help`, UNKNOWN_COMMAND_EXIT);
    argv = [...argv.slice(0, pre.index), ...(topic ? [topic] : []), '--help'];
  }
  await buildCli(argv).parseAsync();
  return pending ? await pending : 0;
}

/** The whole command line; `y` is yargs itself, or cliModel's recorder (src/cli/model.ts). */
export function buildCli(argv: string[], y: Argv = yargs(argv)): Argv {
  return y
    .scriptName('berth')
    .usage('berth [global options] <command> [command options] <container-id> ...\n\nAn OCI runtime (runc-compatible command line).')
    .parserConfiguration({ 'populate--': true, 'unknown-options-as-args': false, 'halt-at-non-option': false, 'boolean-negation': false })
    .option('root', { type: 'string', describe: `root directory for container state (default ${DEFAULT_ROOT}; $XDG_RUNTIME_DIR/berth when not root)`, global: true })
    .option('log', { type: 'string', describe: 'log file (default: stderr)', global: true })
    .option('log-format', { choices: ['text', 'json'] as const, default: 'text' as const, describe: 'log format', global: true })
    .option('debug', { type: 'boolean', default: false, describe: 'debug logging', global: true })
    .option('systemd-cgroup', { type: 'boolean', default: false, describe: 'use systemd for cgroups (slice:prefix:name paths)', global: true })
    .option('rootless', { type: 'string', default: 'auto', describe: 'true, false or auto (not root): skip a cgroup berth may not make, with a warning', global: true })
    .option('criu', { type: 'string', describe: 'path to the criu binary for checkpoint/restore (default: criu in PATH)', global: true })
    .command('create <id>', 'create a container', (y) => idArg(pidfdFlag(dryRunFlags(createFlags(y), 'make, write and run nothing'), 'the container init')), run(() => import('../commands/create.js')))
    .command('start <id>', 'start a created container', idArg, run(() => import('../commands/start.js')))
    .command(
      'run <id>',
      'create and start a container, wait for it',
      (y) =>
        idArg(pidfdFlag(dryRunFlags(createFlags(y), 'make, write and run nothing'), 'the container init'))
          .option('detach', { alias: 'd', type: 'boolean', default: false, describe: 'do not wait' })
          .option('keep', { type: 'boolean', default: false, describe: 'do not delete the container after it exits' })
          .option('no-subreaper', { type: 'boolean', default: false, describe: "do not become the subreaper of the container's orphaned processes (runc's)" }),
      run(() => import('../commands/run.js')),
    )
    .command('state <id>', 'print the state of a container', idArg, run(() => import('../commands/state.js')))
    .command(
      'kill <id> [signal]',
      'send a signal to the container init (default SIGTERM)',
      (y) =>
        idArg(y)
          .positional('signal', {
            type: 'string',
            default: 'SIGTERM',
            describe: 'a name (KILL, SIGKILL, sigkill, RTMIN+3, SIGRTMAX-1) or a number the kernel accepts (9; 0 only checks that the init lives)',
          })
          .option('all', { alias: 'a', type: 'boolean', default: false, describe: 'signal every process of the container' }),
      run(() => import('../commands/kill.js')),
    )
    .command(
      'delete <id>',
      'delete a container',
      (y) => idArg(y).option('force', { alias: 'f', type: 'boolean', default: false, describe: 'kill it first if it runs' }),
      run(() => import('../commands/delete.js')),
    )
    .command(
      'exec <id> [command..]',
      'run a process in a running container',
      (y) =>
        idArg(pidfdFlag(dryRunFlags(y, 'start nothing'), 'the new process'))
          .positional('command', { type: 'string', array: true, describe: 'the program and its arguments (not with --process)' })
          .option('process', { alias: 'p', type: 'string', describe: 'process.json (OCI process object)' })
          .option('console-socket', { type: 'string', describe: 'unix socket that receives the pty master (with -t)' })
          .option('cwd', { type: 'string', describe: 'working directory in the container' })
          // Repeatable flags take one value each (runc); yargs' array options would be greedy.
          .option('env', { alias: 'e', type: 'string', nargs: 1, describe: 'KEY=VALUE added to the environment (repeatable)' })
          .option('tty', { alias: 't', type: 'boolean', default: false, describe: 'a pty for the process (berth proxies it without --console-socket)' })
          .option('user', { alias: 'u', type: 'string', describe: 'uid[:gid]' })
          .option('additional-gids', { alias: 'g', type: 'number', nargs: 1, describe: 'an additional group id (repeatable)' })
          .option('cap', { alias: 'c', type: 'string', nargs: 1, describe: 'a capability to add, e.g. CAP_NET_ADMIN (repeatable)' })
          .option('no-new-privs', { type: 'boolean', default: false, describe: 'set no_new_privs for the process' })
          .option('apparmor', { type: 'string', describe: 'AppArmor profile for the process' })
          .option('process-label', { type: 'string', describe: 'SELinux label for the process' })
          .option('detach', { alias: 'd', type: 'boolean', default: false, describe: 'do not wait for the process' })
          .option('pid-file', { type: 'string', describe: 'file to write the process pid to' })
          .option('preserve-fds', { type: 'number', default: 0, describe: 'pass N extra fds (3..3+N-1) to the process' })
          .option('ignore-paused', { type: 'boolean', default: false, describe: 'exec in a paused container too' })
          .option('cgroup', { type: 'string', nargs: 1, describe: 'join an existing sub-cgroup of the container: [CONTROLLER[,CONTROLLER]:]PATH (repeatable)' }),
      run(() => import('../commands/exec.js')),
    )
    .command(
      ['list', 'ls'],
      'list containers',
      (y) =>
        y
          .option('format', { alias: 'f', choices: ['table', 'json'] as const, default: 'table' as const, describe: 'output format' })
          .option('quiet', { alias: 'q', type: 'boolean', default: false, describe: 'only the container ids' }),
      run(() => import('../commands/list.js')),
    )
    .command(
      'ps <id> [ps-args..]',
      'processes of a container',
      (y) =>
        idArg(y)
          .positional('ps-args', { type: 'string', array: true, describe: 'arguments for ps(1) (default -ef)' })
          .option('format', { alias: 'f', choices: ['table', 'json'] as const, default: 'table' as const, describe: 'table: ps(1) lines; json: the pids' }),
      run(() => import('../commands/ps.js')),
    )
    .command('pause <id>', 'freeze every process of a container', idArg, run(() => import('../commands/pause.js')))
    .command('resume <id>', 'thaw a paused container', idArg, run(() => import('../commands/resume.js')))
    .command(
      'events <id>',
      'container stats and events',
      (y) =>
        idArg(y)
          .option('stats', { type: 'boolean', default: false, describe: 'print the stats once and exit' })
          .option('interval', { type: 'string', default: '5s', describe: 'time between stats (e.g. 5s, 500ms)' }),
      run(() => import('../commands/events.js')),
    )
    .command(
      'update <id>',
      'update resource limits of a container',
      (y) =>
        idArg(y)
          .option('resources', { alias: 'r', type: 'string', describe: 'a JSON file with a linux.resources object (format below), - for stdin' })
          .options(Object.fromEntries(UPDATE_FLAGS.map(([name, describe, alias]) => [name, { type: 'string' as const, describe, ...(alias ? { alias } : {}) }])))
          .epilog(UPDATE_JSON),
      run(() => import('../commands/update.js')),
    )
    .command(
      'spec',
      'write a default config.json',
      (y) =>
        y
          .option('bundle', { alias: 'b', type: 'string', default: '.', describe: 'directory to write config.json to' })
          .option('spec-rootless', { type: 'boolean', default: false, describe: 'a config for an unprivileged user (given as --rootless)' }),
      run(() => import('../commands/spec.js')),
    )
    .command('features', 'print the OCI features document', (y) => y, run(() => import('../commands/features.js')))
    .command(
      'check',
      'the host as berth sees it: what works, what is missing and the fix (exit 1: a default container cannot run)',
      (y) => y.option('format', { alias: 'f', choices: ['text', 'json'] as const, default: 'text' as const, describe: 'text, or JSON (schemas/check.schema.json)' }),
      run(() => import('../commands/check.js')),
    )
    .command('checkpoint <id>', 'checkpoint a running container with CRIU (docs/CHECKPOINT.md)', (y) => idArg(criuFlags(y)).options(CHECKPOINT_FLAGS), run(() => import('../commands/checkpoint.js')))
    .command('restore <id>', 'restore a container from a CRIU checkpoint (docs/CHECKPOINT.md)', (y) => idArg(criuFlags(createFlags(y))).options(RESTORE_FLAGS), run(() => import('../commands/restore.js')))
    .demandCommand(1, 'a command is required; see berth --help')
    .strict()
    .version(false)
    .help('help')
    .alias('help', 'h')
    .wrap(100)
    .fail((msg, err, y) => {
      if (err) throw err;
      // The command's usage first (runc prints it too), then the one-line error.
      if (showsUsage(msg)) {
        y.showHelp('error');
        stderr('\n');
      }
      throw new BerthError(usageMessage(msg, argv, commandOf(argv)));
    });
}

