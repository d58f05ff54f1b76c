import yargs, { type Argv } from 'yargs';
import { BerthError } from '../errors.js';
import { DEFAULT_ROOT } from './globals.js';
import { runCommand, type CommandModule } from './dispatch.js';

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

const idArg = (y: Argv) => y.positional('id', { type: 'string', describe: 'container id' });

function notYet(what: string): CommandModule['default'] {
  return () => {
    throw new BerthError(`${what}: not supported yet`);
  };
}

/** Parse with yargs and run the command; resolves to the exit code. */
export async function runYargs(argv: string[]): Promise<number> {
  await buildCli(argv).parseAsync();
  return pending ? await pending : 0;
}

export function buildCli(argv: string[]): Argv {
  return yargs(argv)
    .scriptName('berth')
    .usage('berth [global options] <command> [command options] <container-id> ...\n\nAn OCI runtime (runc-compatible command line).')
    .parserConfiguration({ 'populate--': true, 'unknown-options-as-args': false, 'halt-at-non-option': false, 'boolean-negation': false })
    .option('root', { type: 'string', default: DEFAULT_ROOT, describe: 'root directory for container state', global: true })
    .option('log', { type: 'string', describe: 'log file (default: stderr)', global: true })
    .option('log-format', { choices: ['text', 'json'] as const, default: 'text' as const, describe: 'log format', global: true })
    .option('debug', { type: 'boolean', default: false, describe: 'debug logging', global: true })
    .option('systemd-cgroup', { type: 'boolean', default: false, describe: 'use systemd for cgroups (slice:prefix:name paths)', global: true })
    .option('rootless', { type: 'string', default: 'auto', describe: "runc's rootless cgroup mode: false or auto (as root: cgroups are written); true is refused", global: true })
    .option('criu', { type: 'string', describe: 'path to criu: ignored with a warning (no checkpoint/restore)', global: true })
    .command('create <id>', 'create a container', (y) => idArg(createFlags(y)), run(() => import('../commands/create.js')))
    .command('start <id>', 'start a created container', idArg, run(() => import('../commands/start.js')))
    .command(
      'run <id>',
      'create and start a container, wait for it',
      (y) =>
        idArg(createFlags(y))
          .option('detach', { alias: 'd', type: 'boolean', default: false, describe: 'do not wait' })
          .option('keep', { type: 'boolean', default: false, describe: 'do not delete the container after it exits' }),
      run(() => import('../commands/run.js')),
    )
    .command('state <id>', 'print the state of a container', idArg, run(() => import('../commands/state.js')))
    .command(
      'kill <id> [signal]',
      'send a signal to the container init (default SIGTERM)',
      (y) =>
        idArg(y)
          .positional('signal', { type: 'string', default: 'SIGTERM' })
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
        idArg(y)
          .positional('command', { type: 'string', array: true })
          .option('process', { alias: 'p', type: 'string', describe: 'process.json (OCI process object)' })
          .option('console-socket', { type: 'string' })
          .option('cwd', { type: 'string' })
          // Repeatable flags take one value each (runc); yargs' array options would be greedy.
          .option('env', { alias: 'e', type: 'string', nargs: 1 })
          .option('tty', { alias: 't', type: 'boolean', default: false })
          .option('user', { alias: 'u', type: 'string', describe: 'uid[:gid]' })
          .option('additional-gids', { alias: 'g', type: 'number', nargs: 1 })
          .option('cap', { alias: 'c', type: 'string', nargs: 1 })
          .option('no-new-privs', { type: 'boolean', default: false })
          .option('apparmor', { type: 'string' })
          .option('process-label', { type: 'string' })
          .option('detach', { alias: 'd', type: 'boolean', default: false })
          .option('pid-file', { type: 'string' })
          .option('preserve-fds', { type: 'number', default: 0 })
          .option('ignore-paused', { type: 'boolean', default: false })
          .option('cgroup', { type: 'string', nargs: 1, describe: 'join an existing sub-cgroup of the container: [CONTROLLER[,CONTROLLER]:]PATH (repeatable)' }),
      run(() => import('../commands/exec.js')),
    )
    .command(
      ['list', 'ls'],
      'list containers',
      (y) =>
        y
          .option('format', { alias: 'f', choices: ['table', 'json'] as const, default: 'table' as const })
          .option('quiet', { alias: 'q', type: 'boolean', default: false }),
      run(() => import('../commands/list.js')),
    )
    .command(
      'ps <id> [ps-args..]',
      'processes of a container',
      (y) => idArg(y).option('format', { alias: 'f', choices: ['table', 'json'] as const, default: 'table' as const }),
      run(() => import('../commands/ps.js')),
    )
    .command('pause <id>', 'freeze every process of a container', idArg, run(() => import('../commands/pause.js')))
    .command('resume <id>', 'thaw a paused container', idArg, run(() => import('../commands/resume.js')))
    .command(
      'events <id>',
      'container stats and events',
      (y) => idArg(y).option('stats', { type: 'boolean', default: false }).option('interval', { type: 'string', default: '5s' }),
      run(() => import('../commands/events.js')),
    )
    .command(
      'update <id>',
      'update resource limits of a container',
      (y) =>
        idArg(y)
          .option('resources', {
            alias: 'r',
            type: 'string',
            describe: 'path to a JSON file with the linux.resources object (config-linux.md), - for stdin; e.g. {"memory":{"limit":67108864},"cpu":{"shares":512,"quota":50000,"period":100000,"cpus":"0"},"pids":{"limit":100},"blockIO":{"weight":500}}',
          })
          .option('memory', { type: 'string', describe: 'memory limit in bytes (or 512m, 1g)' })
          .option('memory-reservation', { type: 'string', describe: 'memory soft limit in bytes' })
          .option('memory-swap', { type: 'string', describe: 'memory + swap limit in bytes' })
          .option('kernel-memory', { type: 'string', describe: 'kernel memory limit: ignored with a warning (not in this kernel)' })
          .option('kernel-memory-tcp', { type: 'string', describe: 'kernel TCP memory limit: ignored with a warning (not in this kernel)' })
          .option('cpu-share', { alias: 'cpu-shares', type: 'string', describe: 'CPU shares (relative weight)' })
          .option('cpu-quota', { type: 'string', describe: 'CPU CFS quota in microseconds per period' })
          .option('cpu-period', { type: 'string', describe: 'CPU CFS period in microseconds' })
          .option('cpu-burst', { type: 'string', describe: 'CPU CFS burst in microseconds' })
          .option('cpu-rt-period', { type: 'string', describe: 'CPU real-time period in microseconds' })
          .option('cpu-rt-runtime', { type: 'string', describe: 'CPU real-time runtime in microseconds' })
          .option('cpu-idle', { type: 'string', describe: 'cgroup v2 cpu.idle: 1 for SCHED_IDLE' })
          .option('cpuset-cpus', { type: 'string', describe: 'CPUs to run on (e.g. 0-2,4)' })
          .option('cpuset-mems', { type: 'string', describe: 'memory nodes to use (e.g. 0)' })
          .option('pids-limit', { type: 'string', describe: 'maximum number of processes' })
          .option('blkio-weight', { type: 'string', describe: 'block IO weight (10-1000)' })
          .option('l3-cache-schema', { type: 'string', describe: 'Intel RDT L3 cache schema: refused (not implemented)' })
          .option('mem-bw-schema', { type: 'string', describe: 'Intel RDT memory bandwidth schema: refused (not implemented)' }),
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
    .command('checkpoint <id>', 'checkpoint a running container (CRIU)', idArg, run(async () => ({ default: notYet('checkpoint') })))
    .command('restore <id>', 'restore a container from a checkpoint (CRIU)', (y) => idArg(createFlags(y)), run(async () => ({ default: notYet('restore') })))
    .demandCommand(1, 'a command is required; see berth --help')
    .strict()
    .version(false)
    .help('help')
    .alias('help', 'h')
    .wrap(Math.min(100, process.stdout.columns || 100))
    .fail((msg, err) => {
      throw err ?? new BerthError(msg);
    });
}

