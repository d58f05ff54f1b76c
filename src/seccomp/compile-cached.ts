import { log } from '../log/logger.js';
import { native } from '../native/addon.js';
import { BERTH_VERSION, buildInfo } from '../version.js';
import { cacheKey, FilterCache, type CompiledFilter } from './cache.js';
import type { SeccompFilterPlan } from './plan.js';

/**
 * The compiled program for a filter plan, from the state root's cache when an entry for exactly
 * this input exists and checks out (src/seccomp/cache.ts), else compiled with libseccomp and
 * stored. The cache never fails the command: a cache that cannot be used (a symlinked or foreign
 * dir, a full disk) only costs the compile, and --debug says why.
 */
export function compileCached(root: string, plan: SeccompFilterPlan, libseccompVersion: string): CompiledFilter {
  const t0 = performance.now();
  const took = (since: number) => `${(performance.now() - since).toFixed(2)} ms`;
  const key = cacheKey({
    input: plan.input,
    flags: plan.flags,
    notify: plan.notify,
    libseccompVersion,
    arch: process.arch,
    build: `${BERTH_VERSION} ${buildInfo().commit}`,
  });
  const cache = FilterCache.open(root);
  if (typeof cache === 'string') {
    log.debug(`seccomp: filter cache not used: ${cache}`);
    return native().seccompCompile(plan.input);
  }
  try {
    const found = cache.get(key);
    if ('hit' in found) {
      log.debug(`seccomp: filter cache hit ${key.slice(0, 16)} (key and lookup ${took(t0)})`);
      return found.hit;
    }
    const t1 = performance.now();
    const out = native().seccompCompile(plan.input);
    const compiled = `compiled in ${took(t1)}`;
    try {
      cache.put(key, out);
      log.debug(`seccomp: filter cache miss ${key.slice(0, 16)} (${found.miss}): ${compiled} and stored`);
    } catch (e: any) {
      log.debug(`seccomp: filter cache miss ${key.slice(0, 16)} (${found.miss}): ${compiled}, not stored: ${e?.message ?? e}`);
    }
    return out;
  } finally {
    cache.close();
  }
}
