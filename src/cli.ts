/**
 * berth's command line: runc's names, flags and aliases (ENGINES.md). Each command's work lives
 * in src/commands/<name>.ts and is imported only when that command runs, so the cheap commands
 * engines call for every container (state, start, kill, delete) load little.
 */
import { enableCompileCache } from 'node:module';
enableCompileCache?.();

import { BerthError } from './errors.js';
import { configureLog, log } from './log/logger.js';
import { versionText } from './version.js';
import { protectExecCommand } from './cli/argv.js';
import { parseFast, type FastCommand } from './cli/fast-path.js';
import { runCommand, type CommandModule } from './cli/dispatch.js';

const FAST: Record<FastCommand['command'], () => Promise<CommandModule>> = {
  create: () => import('./commands/create.js'),
  run: () => import('./commands/run.js'),
  exec: () => import('./commands/exec.js'),
  state: () => import('./commands/state.js'),
  start: () => import('./commands/start.js'),
  kill: () => import('./commands/kill.js'),
  delete: () => import('./commands/delete.js'),
  pause: () => import('./commands/pause.js'),
  resume: () => import('./commands/resume.js'),
  ps: () => import('./commands/ps.js'),
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

async function main(argv: string[]): Promise<number> {
  if (argv.length === 1 && (argv[0] === '--version' || argv[0] === '-v')) {
    process.stdout.write(versionText());
    return 0;
  }
  preconfigureLog(argv);
  try {
    const fast = parseFast(argv);
    if (fast) return await runCommand(FAST[fast.command], fast.args);
    const { runYargs } = await import('./cli/yargs.js');
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

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  () => {
    process.exitCode = 1;
  },
);
