/**
 * The facts berth(8) states beyond the flags: environment, exit status, the files under
 * `--root` and the engines' configuration. Each is what the code does (the source named beside
 * it) and what README.md says; the flags and commands themselves come from the yargs
 * definitions (src/cli/model.ts), not from here.
 */
import { DEFAULT_ROOT } from '../cli/globals.js';
import { UNKNOWN_COMMAND_EXIT } from '../cli/usage-errors.js';
import { INTENT_FILE } from '../state/intent.js';
import { START_SOCKET, STATE_FILE } from '../state/store.js';

/** Where the package installs the executable (the engines' snippets name it). */
export const INSTALLED_BINARY = '/usr/bin/berth';

export const DESCRIPTION = [
  'berth is an OCI low-level container runtime with the command line of runc: engines such as containerd, Podman and Docker use it in place of runc, and it runs a container from an OCI bundle (a directory with config.json and a root filesystem).',
  'It validates the bundle, plans every step of the container and hands the plan to a small native init that carries it out with system calls. The executable is self-contained: it needs nothing on the machine but glibc.',
];

/** [variable, what berth does with it] (src/cli/globals.ts, runtime/listen-fds.ts, cgroups/systemd/manager.ts, host/which.ts, compiled/env.ts). */
export const ENVIRONMENT: [string, string][] = [
  ['XDG_RUNTIME_DIR', `The default --root is $XDG_RUNTIME_DIR/berth when berth is not root, or is root only inside a user namespace with USER unset or not "root" (runc's rule); real root uses ${DEFAULT_ROOT}. Not root, --systemd-cgroup reaches the user's systemd manager at $XDG_RUNTIME_DIR/systemd/private (or the session bus).`],
  ['USER', 'Read with XDG_RUNTIME_DIR for the default --root of root inside a user namespace (above).'],
  ['DBUS_SESSION_BUS_ADDRESS', "Not root, with --systemd-cgroup: the user's bus, when systemd's private socket is not there."],
  ['PATH', 'Where criu (checkpoint, restore; unless --criu names it) and newuidmap/newgidmap (id-map ranges for a user namespace made by a user) are looked up.'],
  ['LISTEN_FDS, LISTEN_PID', 'systemd socket activation: when LISTEN_PID is berth\'s pid, fds 3 to 3+LISTEN_FDS-1 are passed to the container before any --preserve-fds, and its process gets LISTEN_FDS=N and LISTEN_PID=1, as runc does.'],
  ['BUN_*, JSC_*, NODE_OPTIONS, NODE_PATH, ...', "Variables that would change the JavaScript engine inside the executable rather than berth: berth starts over without them (one execve, same pid). BUN_BE_BUN and BUN_OPTIONS act before any of berth's code runs, so an engine must not pass them."],
];

/** [status, when] (src/errors.ts, cli/usage-errors.ts, commands/run.ts, commands/exec.ts, commands/check.ts). */
export const EXIT_STATUS: [string, string][] = [
  ['0', 'Success.'],
  ['1', 'An error: one line on stderr (and in the --log file). Argument errors print the command\'s usage first and name the command and the flag. Also berth check when a default container (berth spec) cannot run on this host.'],
  [String(UNKNOWN_COMMAND_EXIT), 'An unknown command, as runc.'],
  ['the container\'s status', 'berth run without --detach exits with the status of the container\'s process, 128+N when signal N ended it.'],
  ['255', 'berth exec: any failure of berth\'s own (as runc), so that a caller can tell it from the exit status of the program, which exec otherwise returns (128+N for signal N).'],
];

/** [path, what it is] (src/state/store.ts, state/intent.ts). */
export const FILES: [string, string][] = [
  [DEFAULT_ROOT, 'The default --root for root: one directory per container, named by its id (mode 0711).'],
  [`ROOT/ID/${STATE_FILE}`, 'The container\'s record: its pid and start time, bundle, cgroup, and what berth state prints.'],
  [`ROOT/ID/${INTENT_FILE}`, 'While a create is under way: what it is about to make (cgroup dirs, systemd unit, the init\'s pid), so that a create killed at any moment leaves a container that berth delete --force removes completely.'],
  [`ROOT/ID/${START_SOCKET}`, 'The socket berth start connects to while the container waits in the created state.'],
  ['ROOT/ID/lock', 'The lock (flock) that serialises commands on one container.'],
  ['BUNDLE/config.json', 'The container\'s configuration (OCI runtime-spec), read from --bundle (default: the current directory).'],
];

/** The engines' configuration with the packaged path: the snippets of README "Under an engine". */
export const ENGINES: { engine: string; text: string; snippet: string }[] = [
  {
    engine: 'containerd (1.6+)',
    text: `As the runc binary of the io.containerd.runc.v2 shim. For one container: ctr run --runc-binary ${INSTALLED_BINARY} --rootfs DIR ID CMD. For CRI clients (Kubernetes, crictl), a runtime in /etc/containerd/config.toml:`,
    snippet: `version = 2
[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.berth]
  runtime_type = "io.containerd.runc.v2"
  [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.berth.options]
    BinaryName = "${INSTALLED_BINARY}"`,
  },
  {
    engine: 'Podman (4.x)',
    text: 'In /etc/containers/containers.conf (or ~/.config/containers/containers.conf), then podman --runtime berth run ...:',
    snippet: `[engine.runtimes]
berth = ["${INSTALLED_BINARY}"]`,
  },
  {
    engine: 'Docker (20.10+)',
    text: `In /etc/docker/daemon.json (or dockerd --add-runtime berth=${INSTALLED_BINARY}), then docker run --runtime berth ...:`,
    snippet: `{
  "runtimes": {
    "berth": { "path": "${INSTALLED_BINARY}" }
  }
}`,
  },
];
