import { BerthError } from '../errors.js';
import { configureLog } from '../log/logger.js';
import { currentInvoker } from '../host/invoker.js';
import { defaultRoot, rootlessCgroups, type Globals } from './globals.js';

export interface CommandModule {
  default: (g: Globals, a: Record<string, any>) => Promise<number | void> | number | void;
}

function globalsOf(a: Record<string, any>): Globals {
  const who = currentInvoker();
  const rootless = String(a.rootless ?? 'auto');
  return {
    root: a.root ?? defaultRoot(who),
    log: a.log,
    logFormat: a['log-format'],
    debug: Boolean(a.debug),
    systemdCgroup: Boolean(a['systemd-cgroup']),
    rootless,
    rootlessCgroups: ['true', 'false', 'auto'].includes(rootless) && rootlessCgroups(rootless, who),
  };
}

/**
 * runc's global flags: --rootless is true, false or auto; --criu is read by checkpoint and restore.
 */
function checkIgnoredGlobals(g: Globals): void {
  if (!['true', 'false', 'auto'].includes(g.rootless)) throw new BerthError(`--rootless ${g.rootless}: must be true, false or auto`);
}

/** Load a command's module and run it with parsed arguments; resolves to the exit code. */
export async function runCommand(load: () => Promise<CommandModule>, a: Record<string, any>): Promise<number> {
  const g = globalsOf(a);
  configureLog({ file: g.log, format: g.logFormat, debug: g.debug });
  checkIgnoredGlobals(g);
  const mod = await load();
  const code = await mod.default(g, a);
  return typeof code === 'number' ? code : 0;
}
