/** Global options that take a value (everything else before the command is a boolean flag). */
const GLOBAL_VALUE = new Set(['--root', '--log', '--log-format', '--criu', '--rootless']);
const EXEC_VALUE = new Set([
  '--console-socket', '--cwd', '--env', '-e', '--user', '-u', '--additional-gids', '-g', '--cap', '-c',
  '--apparmor', '--process-label', '--pid-file', '--preserve-fds', '--cgroup', '--process', '-p', '--format', '--pidfd-socket',
]);
const PS_VALUE = new Set(['--format', '-f']);

/**
 * `berth exec [opts] ID CMD ARGS...`: everything after the id belongs to the command (runc stops
 * reading its own flags there), so `exec c1 sh -c 'echo hi'` must not read `-c` as --cap. Puts
 * a `--` after the id for yargs. Pure.
 */
export function protectExecCommand(argv: string[]): string[] {
  const i = commandIndex(argv);
  if (argv[i] === 'spec') return specRootless(argv, i);
  if (argv[i] === 'update') return stdinValue(argv, i);
  // ps ID ARGS...: the words after the id are ps(1)'s (`ps ID -e -x`), as with runc.
  const valueFlags = argv[i] === 'exec' ? EXEC_VALUE : argv[i] === 'ps' ? PS_VALUE : undefined;
  if (!valueFlags) return argv;
  for (let j = i + 1; j < argv.length; j++) {
    const t = argv[j]!;
    if (t === '--') return argv;
    if (t.startsWith('-')) {
      if (valueFlags.has(t)) j++;
      continue;
    }
    // t is the container id.
    if (argv[j + 1] === '--' || j + 1 >= argv.length) return argv;
    return [...argv.slice(0, j + 1), '--', ...argv.slice(j + 1)];
  }
  return argv;
}

function commandIndex(argv: string[]): number {
  let i = 0;
  while (i < argv.length && argv[i]!.startsWith('-')) {
    i += GLOBAL_VALUE.has(argv[i]!) ? 2 : 1;
  }
  return i;
}

/**
 * `spec --rootless` is a boolean of the spec command while the global `--rootless` takes a value
 * (runc has both); yargs cannot hold two types under one name, so the spec flag is renamed.
 */
function specRootless(argv: string[], i: number): string[] {
  return argv.map((t, j) => (j > i && (t === '--rootless' || t === '--rootless=true') ? '--spec-rootless' : j > i && t === '--rootless=false' ? '--spec-rootless=false' : t));
}

/**
 * `update --resources - ID` (what containerd's shim issues, the JSON on stdin): yargs reads a
 * lone `-` as a positional, not as the option's value, so it is joined as `--resources=-`.
 */
function stdinValue(argv: string[], i: number): string[] {
  const out = argv.slice(0, i + 1);
  for (let j = i + 1; j < argv.length; j++) {
    const t = argv[j]!;
    if (t === '--') return [...out, ...argv.slice(j)];
    if ((t === '--resources' || t === '-r') && argv[j + 1] === '-') {
      out.push(`${t}=-`);
      j++;
    } else out.push(t);
  }
  return out;
}
