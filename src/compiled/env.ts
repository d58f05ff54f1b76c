/** Node's variables that change code, flags or what a process reads and writes at start. */
const NODE_VARIABLES = [
  'NODE_OPTIONS', 'NODE_CHANNEL_FD', 'NODE_CHANNEL_SERIALIZATION_MODE', 'NODE_PATH', 'NODE_PRESERVE_SYMLINKS',
  'NODE_COMPILE_CACHE', 'NODE_V8_COVERAGE', 'NODE_DEBUG', 'NODE_DEBUG_NATIVE', 'NODE_REPL_EXTERNAL_MODULE',
];

/**
 * Variables that would change the JavaScript engine under berth rather than berth itself: all of
 * Bun's own (`BUN_*`: runtime flags, the inspector, JSC options as `BUN_JSC_*`, config, caches),
 * JavaScriptCore's `JSC_*` options, and Node's that change code or flags (NODE_OPTIONS,
 * NODE_CHANNEL_FD's IPC channel, NODE_PATH, ...; not e.g. NODE_EXTRA_CA_CERTS, which many
 * machines set and which berth, doing no TLS, never reads). An engine passes its own environment
 * to the runtime; none of these may reach berth's code. (BUN_OPTIONS and BUN_BE_BUN act before
 * any of berth's code runs, so berth can only start over without them: README "Environment".)
 */
export function engineVariables(env: Record<string, string | undefined>): string[] {
  return Object.keys(env).filter((k) => k.startsWith('BUN_') || k.startsWith('JSC_') || NODE_VARIABLES.includes(k));
}

/** env without engineVariables(env). */
export function withoutEngineVariables(env: Record<string, string | undefined>): Record<string, string> {
  const drop = new Set(engineVariables(env));
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (!drop.has(k) && v !== undefined) out[k] = v;
  return out;
}
