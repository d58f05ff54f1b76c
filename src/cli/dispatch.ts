import { BerthError } from '../errors.js';
import { configureLog } from '../log/logger.js';
import type { Globals } from './globals.js';

export interface CommandModule {
  default: (g: Globals, a: Record<string, any>) => Promise<number | void> | number | void;
}

function globalsOf(a: Record<string, any>): Globals {
  return {
    root: a.root,
    log: a.log,
    logFormat: a['log-format'],
    debug: Boolean(a.debug),
    systemdCgroup: Boolean(a['systemd-cgroup']),
    rootless: String(a.rootless ?? 'auto'),
  };
}

/**
 * runc's global flags berth takes without acting on them work or say so: --rootless false/auto
 * is what berth does as root; true (ignore cgroup permission errors) is refused. (--criu is
 * read by checkpoint and restore.)
 */
function checkIgnoredGlobals(g: Globals): void {
  if (!['true', 'false', 'auto'].includes(g.rootless)) throw new BerthError(`--rootless ${g.rootless}: must be true, false or auto`);
  if (g.rootless === 'true') throw new BerthError('--rootless true (ignore cgroup permission errors) is not supported: berth runs as root with cgroups it can write');
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
