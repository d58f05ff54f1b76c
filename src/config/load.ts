import { isAbsolute, join, resolve } from 'node:path';
import { BerthError, describeErrno } from '../errors.js';
import { log } from '../log/logger.js';
import { readDocument } from './read-document.js';
import { DuplicateKeyError, parseStrict } from './strict-json.js';
import { validateConfig } from '../validate/config.js';
import { kernelCapabilities } from '../plan/capabilities.js';
import { keepExactSeccompValues, recordUnsafeIntegers } from '../seccomp/exact-values.js';

export interface Bundle {
  dir: string;
  rootfs: string;
  config: any;
}

/**
 * Read and validate <bundle>/config.json. Errors name the file and JSON path; warnings
 * (deprecated forms, capabilities this kernel lacks) are logged and do not stop the command.
 */
export function loadBundle(bundleArg: string): Bundle {
  const dir = resolve(bundleArg);
  const file = join(dir, 'config.json');
  let text: string;
  try {
    text = readDocument(file);
  } catch (e) {
    throw new BerthError(`cannot read bundle config ${file}: ${describeErrno(e)}`);
  }
  let config: unknown;
  try {
    config = parseStrict(text, recordUnsafeIntegers);
  } catch (e) {
    throw new BerthError(`config.json: ${e instanceof DuplicateKeyError ? '' : 'invalid JSON: '}${(e as Error).message}`);
  }
  const { errors, warnings } = validateConfig(config, { file: 'config.json', bundleDir: dir, knownCaps: kernelCapabilities(), requireProcess: true });
  for (const w of warnings) log.warn(w);
  if (errors.length > 0) throw new BerthError(errors.length === 1 ? errors[0]! : `${errors[0]} (and ${errors.length - 1} more)`);
  const c = config as any;
  keepExactSeccompValues(c);
  const rootfs = isAbsolute(c.root.path) ? c.root.path : join(dir, c.root.path);
  return { dir, rootfs, config: c };
}
