/**
 * `create --dry-run`, `run --dry-run`, `exec --dry-run`: validate exactly as the command does,
 * build its complete plan (prepareCreate/planCreate, prepareExec: the same code) and print it.
 * No side effect: no state dir, no cgroup, no process, no mount, no hook run, nothing written.
 */
import type { Globals } from '../cli/globals.js';
import { BerthError } from '../errors.js';
import { stdout } from '../cli/output.js';
import { unwatchWarnings, watchWarnings } from '../log/logger.js';
import { Store } from '../state/store.js';
import { dryRunCgroup } from '../cgroups/dry-run.js';
import { recordDirs } from '../cgroups/record.js';
import { rootlessResources, undelegatedStep, withoutCgroup } from '../cgroups/rootless.js';
import { log } from '../log/logger.js';
import { constants, existsSync } from 'node:fs';
import { canAccess } from '../host/which.js';
import { planCreate, prepareCreate } from './create-prepare.js';
import { dryRunDocument, type DryRunDocument } from '../dryrun/document.js';
import { renderText } from '../dryrun/render-text.js';
import { renderJson } from '../dryrun/render-json.js';

/** The console socket `run` or `exec` would make itself for a terminal (berth's pty proxy). */
const PROXY_SOCKET = '(berth\'s own console socket: it proxies the terminal)';

function checkFormat(format: unknown): void {
  if (format !== undefined && format !== 'text' && format !== 'json') throw new BerthError(`--format ${String(format)}: must be text or json`);
}

function print(doc: DryRunDocument, format: unknown): number {
  stdout(format === 'json' ? renderJson(doc) : renderText(doc));
  return 0;
}

/** The document `create --dry-run` (or `run --dry-run`) prints; a['format'] aside, the command's own arguments. */
export function createDryRun(g: Globals, a: Record<string, any>, command: 'create' | 'run'): DryRunDocument {
  const warnings = watchWarnings();
  try {
    const p = prepareCreate(g, {
      id: a.id,
      bundle: a.bundle ?? '.',
      consoleSocket: a['console-socket'],
      noPivot: Boolean(a['no-pivot']),
      noNewKeyring: Boolean(a['no-new-keyring']),
      preserveFds: a['preserve-fds'] ?? 0,
    });
    const store = new Store(g.root);
    // create would fail claiming the id; said without claiming it.
    if (store.exists(p.id)) throw new BerthError(`container with id ${p.id} already exists`);
    const withCgroup = !g.rootlessCgroups || rootlessCgroupUsable(p);
    const resources = g.rootlessCgroups ? rootlessResources(p.config.linux?.resources) : p.config.linux?.resources;
    const cgroup = withCgroup ? dryRunCgroup(p.cgroup, resources) : null;
    const proxied = command === 'run' && !a['console-socket'] && !a.detach && p.config.process?.terminal;
    const ops = planCreate(p, store.startSocket(p.id), proxied ? PROXY_SOCKET : a['console-socket'], withCgroup);
    return dryRunDocument({
      command, id: p.id, bundle: p.bundle, fields: 'config.json', processAt: '/process', process: p.config.process,
      ops, cgroup, hooks: p.config.hooks, netDevices: p.netDevices, seccomp: p.seccomp?.summary, warnings: [...warnings],
    });
  } finally {
    unwatchWarnings(warnings);
  }
}

/**
 * Rootless: whether create would make the cgroup or go without it (createOrSkip's rule, decided
 * from write access instead of trying); throws as create would when the config needs it.
 */
function rootlessCgroupUsable(p: ReturnType<typeof prepareCreate>): boolean {
  const canWrite = (path: string) => canAccess(path, constants.W_OK);
  const step = undelegatedStep(recordDirs(p.cgroup.record), canWrite, existsSync);
  if (step === undefined) return true;
  const warning = withoutCgroup({ rootless: true, cgroupsPath: p.config.linux?.cgroupsPath, resources: p.config.linux?.resources }, `cgroup: ${step}: permission denied`, 'EACCES');
  if (p.idHost.euid !== 0) log.warn(warning);
  else log.debug(warning);
  return false;
}

export async function dryRunCreate(g: Globals, a: Record<string, any>, command: 'create' | 'run'): Promise<number> {
  checkFormat(a.format);
  return print(createDryRun(g, a, command), a.format);
}

export async function dryRunExec(g: Globals, a: Record<string, any>): Promise<number> {
  checkFormat(a.format);
  const { prepareExec } = await import('./exec.js');
  const warnings = watchWarnings();
  try {
    const e = await prepareExec(new Store(g.root), a.id, a);
    const ops = e.plan(a['console-socket'] ?? (e.process.terminal ? PROXY_SOCKET : undefined));
    return print(dryRunDocument({
      command: 'exec', id: a.id, fields: a.process ? 'process.json' : "the container's process (config.json /process) with exec's flags",
      processAt: '', process: e.process, ops, cgroup: null, hooks: undefined, warnings: [...warnings],
    }), a.format);
  } catch (err) {
    throw err instanceof BerthError ? new BerthError(err.message, 255) : err;
  } finally {
    unwatchWarnings(warnings);
  }
}
