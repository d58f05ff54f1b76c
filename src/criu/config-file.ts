import { readFileSync } from 'node:fs';

/**
 * The CRIU configuration file of a container, runc's rule (its libcontainer criu code): the
 * annotation `org.criu.config` names it; present and empty, there is none; absent, it is
 * `/etc/criu/runc.conf` (the file runc gives CRIU, so a host set up for runc's checkpoints
 * behaves the same under berth). CRIU ignores a file that is not there. Pure.
 */
export const CRIU_CONFIG_ANNOTATION = 'org.criu.config';
export const DEFAULT_CRIU_CONFIG = '/etc/criu/runc.conf';

export function criuConfigFile(annotations: Record<string, unknown> | undefined): string | undefined {
  if (!annotations || !Object.hasOwn(annotations, CRIU_CONFIG_ANNOTATION)) return DEFAULT_CRIU_CONFIG;
  const v = annotations[CRIU_CONFIG_ANNOTATION];
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/**
 * dump (criu's command line): the file as CRIU_CONFIG_FILE, which criu reads before its
 * arguments. Its options add to berth's; where both set one (the image and work dirs, the log,
 * the cgroup mode), berth's argument wins. runc's RPC dump lets the file win instead.
 */
export function dumpConfigEnv(file: string | undefined, env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return file === undefined ? env : { ...env, CRIU_CONFIG_FILE: file };
}

/**
 * restore (criu swrk): berth's RPC config file (the work dir, rpc-opts.ts rpcConfigText) with the
 * container's file appended, so the container's options come last and override the request's,
 * as with runc (CRIU parses its RPC config file after the request). A file that cannot be read
 * adds nothing, as CRIU skips it.
 */
export function withContainerConfig(rpcConfig: string, file: string | undefined, read = (f: string) => readFileSync(f, 'utf8')): string {
  if (file === undefined) return rpcConfig;
  let text: string;
  try {
    text = read(file);
  } catch {
    return rpcConfig;
  }
  return `${rpcConfig}${text}${text.endsWith('\n') || text === '' ? '' : '\n'}`;
}
