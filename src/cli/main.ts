/**
 * berth's command line: runc's names, flags and aliases. Each command's work lives in
 * src/commands/<name>.ts and is imported only when that command runs, so the cheap commands
 * engines call for every container (state, start, kill, delete) load little. The entry points
 * (src/cli.ts on Node, src/compiled/main.ts in the single executable) call main().
 */
import { BerthError } from '../errors.js';
import { configureLog, log } from '../log/logger.js';
import { versionText } from '../version.js';
import { stdout } from './output.js';
import { asksVersion, parseFast, type FastCommand } from './fast-path.js';
import { runCommand, type CommandModule } from './dispatch.js';

const FAST: Record<FastCommand['command'], () => Promise<CommandModule>> = {
  create: () => import('../commands/create.js'),
  run: () => import('../commands/run.js'),
  exec: () => import('../commands/exec.js'),
  state: () => import('../commands/state.js'),
  start: () => import('../commands/start.js'),
  kill: () => import('../commands/kill.js'),
  delete: () => import('../commands/delete.js'),
  pause: () => import('../commands/pause.js'),
  resume: () => import('../commands/resume.js'),
  ps: () => import('../commands/ps.js'),
  list: () => import('../commands/list.js'),
  update: () => import('../commands/update.js'),
  events: () => import('../commands/events.js'),
  features: () => import('../commands/features.js'),
};


/** --log/--log-format/--debug before parsing, so that usage errors are logged like the rest. */
function preconfigureLog(argv: string[]): void {
  const value = (name: string): string | undefined => {
    for (let i = 0; i < argv.length; i++) {
      const a = argv[i]!;
      if (a === `--${name}`) return argv[i + 1];
      if (a.startsWith(`--${name}=`)) return a.slice(name.length + 3);
    }
    return undefined;
  };
  const format = value('log-format') === 'json' ? 'json' : 'text';
  configureLog({ file: value('log'), format, debug: argv.includes('--debug') });
}

/** Run one berth command line; resolves to the exit status. */
export async function main(argv: string[]): Promise<number> {
  if (asksVersion(argv)) {
    stdout(versionText());
    return 0;
  }
  preconfigureLog(argv);
  try {
    const fast = parseFast(argv);
    if (fast) return await runCommand(FAST[fast.command], fast.args);
    const [{ runYargs }, { protectExecCommand }] = await Promise.all([import('./yargs.js'), import('./argv.js')]);
    return await runYargs(protectExecCommand(argv));
  } catch (e) {
    if (e instanceof BerthError) {
      log.error(e.message);
      return e.exitCode;
    }
    // A bug, not a user error: one line unless --debug asks for the stack.
    const debug = argv.includes('--debug');
    log.error(`internal error: ${e instanceof Error ? (debug ? (e.stack ?? e.message) : e.message) : String(e)}`);
    return 1;
  }
}
