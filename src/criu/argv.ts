import { BerthError } from '../errors.js';

/** runc's checkpoint flags, parsed (commands/checkpoint.ts). */
export interface DumpOptions {
  pid: number;
  imageDir: string;
  workDir: string;
  logFile: string;
  parentPath?: string;
  leaveRunning: boolean;
  preDump: boolean;
  tcpEstablished: boolean;
  /** --tcp-skip-in-flight: half-open (SYN_RECV) connections are left out of the dump. */
  tcpSkipInFlight?: boolean;
  /** --link-remap: unlinked but open files are linked back to be dumped. */
  linkRemap?: boolean;
  extUnixSk: boolean;
  shellJob: boolean;
  fileLocks: boolean;
  pageServer?: string;
  manageCgroupsMode?: string;
  emptyNs: string[];
  autoDedup: boolean;
  /** The container's cgroup dir with a freezer (v2 dir, v1 freezer): CRIU freezes through it. */
  freezeCgroup?: string;
  /** --external arguments (mounts, namespaces). */
  externals: string[];
}

const CGROUP_MODES = ['soft', 'full', 'strict', 'ignore'];

/** --manage-cgroups-mode: CRIU's names (runc takes the same four). */
export function checkCgroupsMode(mode: string | undefined): string | undefined {
  if (mode === undefined || mode === '') return undefined;
  if (!CGROUP_MODES.includes(mode)) throw new BerthError(`--manage-cgroups-mode ${mode}: must be one of ${CGROUP_MODES.join(', ')}`);
  return mode;
}

/** --empty-ns: runc takes namespace names as the config does; CRIU supports only the network one. */
export function checkEmptyNs(values: string[]): string[] {
  for (const v of values) if (v !== 'network') throw new BerthError(`--empty-ns ${v}: only network is supported (CRIU's --empty-ns net)`);
  return values.length ? ['net'] : [];
}

/** --page-server IP:PORT → CRIU's --address/--port. */
function pageServerArgs(spec: string): string[] {
  const m = /^(.*):(\d+)$/.exec(spec);
  if (!m || !m[1]) throw new BerthError(`--page-server ${spec}: expected IP:PORT`);
  return ['--page-server', '--address', m[1].replace(/^\[(.*)\]$/, '$1'), '--port', m[2]!];
}

function common(o: { tcpEstablished: boolean; extUnixSk: boolean; shellJob: boolean; fileLocks: boolean; manageCgroupsMode?: string; emptyNs: string[]; autoDedup: boolean }): string[] {
  return [
    ...(o.tcpEstablished ? ['--tcp-established'] : []),
    ...(o.extUnixSk ? ['--ext-unix-sk'] : []),
    ...(o.shellJob ? ['--shell-job'] : []),
    ...(o.fileLocks ? ['--file-locks'] : []),
    ...(o.manageCgroupsMode ? [`--manage-cgroups=${o.manageCgroupsMode}`] : ['--manage-cgroups']),
    ...o.emptyNs.flatMap((n) => ['--empty-ns', n]),
    ...(o.autoDedup ? ['--auto-dedup'] : []),
  ];
}

/** `criu dump` (or `pre-dump`) of the container's process tree. */
export function dumpArgv(o: DumpOptions): string[] {
  return [
    o.preDump ? 'pre-dump' : 'dump',
    '--tree', String(o.pid),
    '--images-dir', o.imageDir,
    '--work-dir', o.workDir,
    '--log-file', o.logFile,
    '-v4',
    ...(o.leaveRunning && !o.preDump ? ['--leave-running'] : []),
    // Memory tracking: a pre-dump's pages, or a dump on top of one, copy only what changed.
    ...(o.preDump || o.parentPath ? ['--track-mem'] : []),
    ...(o.parentPath ? ['--prev-images-dir', o.parentPath] : []),
    ...(o.pageServer ? pageServerArgs(o.pageServer) : []),
    ...(o.freezeCgroup ? ['--freeze-cgroup', o.freezeCgroup] : []),
    // CRIU's command line names it --skip-in-flight (tcp_skip_in_flight in its RPC, runc's way).
    ...(o.tcpSkipInFlight ? ['--skip-in-flight'] : []),
    ...(o.linkRemap ? ['--link-remap'] : []),
    ...common(o),
    ...o.externals,
  ];
}
