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

/** Load a command's module and run it with parsed arguments; resolves to the exit code. */
export async function runCommand(load: () => Promise<CommandModule>, a: Record<string, any>): Promise<number> {
  const g = globalsOf(a);
  configureLog({ file: g.log, format: g.logFormat, debug: g.debug });
  const mod = await load();
  const code = await mod.default(g, a);
  return typeof code === 'number' ? code : 0;
}
