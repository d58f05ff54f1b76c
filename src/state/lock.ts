import { BerthError, errnoCode } from '../errors.js';
import { native } from '../native/addon.js';
import type { Store } from './store.js';

/**
 * Run fn while holding the container's lock (flock on <root>/<id>/lock), so concurrent commands
 * on one id serialise. A container whose directory vanished while we waited does not exist.
 */
export async function withLock<T>(store: Store, id: string, fn: () => T | Promise<T>): Promise<T> {
  let fd: number;
  try {
    fd = native().lockFile(store.lockPath(id), true);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') throw new BerthError(`container ${id} does not exist`);
    if (errnoCode(e) === 'ENOTDIR') throw store.rootNotDir() ?? new BerthError(`container ${id} does not exist`);
    throw e;
  }
  try {
    return await fn();
  } finally {
    native().closeFd(fd);
  }
}
