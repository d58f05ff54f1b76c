import type { Globals } from '../cli/globals.js';
import { createContainer } from './create.js';
import { startContainer } from './start.js';
import { deleteContainer } from './delete.js';
import { waitForwardingSignals } from '../runtime/wait.js';
import { log } from '../log/logger.js';
import { loadBundle } from '../config/load.js';
import { ConsoleProxy } from '../runtime/console-proxy.js';
import { native } from '../native/addon.js';
import { StepClock } from '../log/timing.js';

/**
 * run = create + start + wait: signals this process gets are forwarded to the
 * container init; the exit status is the container's (128+N for signal N); the container is
 * deleted afterwards unless --detach or --keep. As runc, berth makes itself the child subreaper
 * first (unless --no-subreaper): processes of the container orphaned while it runs (a container
 * without a pid namespace of its own) are reparented to berth, which reaps them while it waits.
 */
export default async function run(g: Globals, a: Record<string, any>): Promise<number> {
  if (a['dry-run']) return (await import('./dry-run.js')).dryRunCreate(g, a, 'run');
  const id: string = a.id;
  const clock = new StepClock(`run ${id}`);
  // A terminal with nobody to hand it to: berth proxies it itself (foreground only, as runc).
  const loaded = clock.time('load and validate config.json', () => loadBundle(a.bundle));
  const proxy = !a['console-socket'] && !a.detach && loaded.config.process?.terminal ? new ConsoleProxy() : undefined;
  const subreaper = !a['no-subreaper'];
  if (subreaper) native().setSubreaper();
  let rec;
  try {
    ({ rec } = await createContainer(g, {
      id,
      bundle: a.bundle,
      pidFile: a['pid-file'],
      consoleSocket: a['console-socket'] ?? proxy?.socketPath,
      noPivot: a['no-pivot'],
      noNewKeyring: a['no-new-keyring'],
      preserveFds: a['preserve-fds'] ?? 0,
      pidfdSocket: a['pidfd-socket'],
      loaded,
    }));
    clock.mark('create (its steps above)');
    proxy?.attach();
    await startContainer(g, id);
    clock.mark('start (its steps above)');
  } catch (e) {
    proxy?.close();
    await deleteContainer(g, id, true).catch(() => undefined);
    throw e;
  }
  if (a.detach) return 0;

  const code = await waitForwardingSignals(rec.pid, subreaper);
  clock.mark('wait for the container process to exit');
  if (proxy) {
    // Let the last output drain, then stop copying.
    await new Promise((r) => setTimeout(r, 20));
    proxy.closeMaster();
    proxy.close();
  }
  if (!a.keep) {
    try {
      await deleteContainer(g, id, true);
    } catch (e) {
      log.warn(`delete ${id}: ${(e as Error).message}`);
    }
    clock.mark('delete');
  }
  clock.total();
  return code;
}
