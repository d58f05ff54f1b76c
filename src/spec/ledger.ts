/**
 * The field ledger: every property of config.json (as schemas/ describes it) and what berth does
 * with it. One of three, never a fourth:
 * - `honoured`: it takes effect; `proof` names the tests that check the effect (from the host or
 *   inside a container; `unit` where only the plan or the file writes are checked, said so).
 * - `refused`: a config that sets it fails before anything is made, naming its JSON path.
 * - `ignored`: berth reads past it as runc does, for the reason given (another platform's field,
 *   a setting the kernel dropped).
 * A property may be honoured in some cases and refused in the others (`intelRdt` where the host
 * has no resctrl): its status is what berth does where the host can do it, `note` says the rest.
 *
 * test/unit/ledger.test.ts walks the schema and fails when a property is in no entry (so a new
 * schema field cannot slip through unseen), when an entry names a property the schema lacks or a
 * test file that does not exist; it also checks that README's status table is `renderLedger()`
 * and that `features` says what the ledger says. Paths are JSON pointers with `*` for any array
 * index or map key.
 */

export type FieldStatus = 'honoured' | 'refused' | 'ignored';

/** Where the proof runs: a real container or kernel on the host, the VM lanes, or a unit test. */
export type ProofKind = 'integration' | 'vm' | 'unit';

export interface LedgerEntry {
  paths: string[];
  status: FieldStatus;
  /** honoured: how; refused: when, and the message's gist; ignored: why. */
  note: string;
  /** Test files (repo-relative) that prove it; required unless ignored. */
  proof?: string[];
  /** The strongest kind of proof among them. */
  kind?: ProofKind;
  /** The entry covers every property below its paths too (another platform's section). */
  subtree?: boolean;
}

export const HOOK_NAMES = ['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart', 'poststop'] as const;
const under = (base: string, ...names: string[]) => names.map((n) => `${base}/${n}`);
const mapping = (base: string) => [base, ...under(`${base}/*`, 'containerID', 'hostID', 'size')];

const T = {
  features: 'test/integration/container-features.test.ts',
  setup: 'test/integration/process-setup.test.ts',
  lifecycle: 'test/integration/lifecycle.test.ts',
  cgroups: 'test/integration/cgroups.test.ts',
  cgLife: 'test/integration/cgroups-lifecycle.test.ts',
  cgPlan: 'test/unit/cgroups-plan.test.ts',
  seccomp: 'test/integration/seccomp.test.ts',
  seccompUnit: 'test/unit/seccomp-plan.test.ts',
  failures: 'test/integration/failures.test.ts',
  idmapped: 'test/integration/idmapped-mounts.test.ts',
  terminal: 'test/integration/terminal.test.ts',
  hooksUnit: 'test/unit/hooks-run.test.ts',
  validate: 'test/unit/validate-config.test.ts',
  cli: 'test/integration/cli.test.ts',
  security: 'test/integration/security.test.ts',
  rootless: 'test/integration/rootless.test.ts',
} as const;

export const LEDGER: readonly LedgerEntry[] = [
  // --- the document ---
  { paths: ['/ociVersion'], status: 'honoured', note: 'SemVer of the 1.x line (another major is refused); `state` reports it', proof: [T.validate, 'test/integration/state-shapes.test.ts'], kind: 'integration' },
  { paths: ['/hostname', '/domainname'], status: 'honoured', note: 'sethostname/setdomainname in the container uts namespace; without one of its own: refused', proof: [T.features], kind: 'integration' },
  { paths: ['/annotations', '/annotations/*'], status: 'honoured', note: 'passed to hooks and `state` as given; the few that change what berth does are listed below the table (`features`: potentiallyUnsafeConfigAnnotations)', proof: [T.lifecycle, 'test/integration/state-shapes.test.ts'], kind: 'integration' },
  { paths: ['/root', '/root/path'], status: 'honoured', note: 'the rootfs, relative to the bundle; pivot_root into it (MS_MOVE + chroot with --no-pivot)', proof: [T.lifecycle, 'test/integration/security-paths.test.ts'], kind: 'integration' },
  { paths: ['/root/readonly'], status: 'honoured', note: 'the root is remounted read-only after the mounts', proof: [T.features], kind: 'integration' },

  // --- mounts ---
  { paths: ['/mounts', ...under('/mounts/*', 'destination', 'source', 'type', 'options')], status: 'honoured', note: 'in order, every target resolved inside the rootfs; options as mount flags, propagation, recursive attributes or filesystem data (`features` lists the ones berth acts on); `tmpcopyup` fills a tmpfs with a copy of what the rootfs had there (refused on other types)', proof: [T.features, T.security, 'test/integration/security-paths.test.ts', 'test/integration/spec-tmpcopyup.test.ts'], kind: 'integration' },
  { paths: [...mapping('/mounts/*/uidMappings'), ...mapping('/mounts/*/gidMappings')], status: 'honoured', note: 'idmapped bind mounts (mount_setattr MOUNT_ATTR_IDMAP); refused for rootless containers and filesystems that cannot be idmapped', proof: [T.idmapped], kind: 'integration' },

  // --- process ---
  { paths: ['/process'], status: 'honoured', note: 'required by create and run', proof: [T.lifecycle], kind: 'integration' },
  { paths: ['/process/terminal', '/process/consoleSize', '/process/consoleSize/height', '/process/consoleSize/width'], status: 'honoured', note: 'a pty whose master goes to --console-socket (or is proxied by run), sized as given', proof: [T.terminal], kind: 'integration' },
  { paths: ['/process/cwd', '/process/env', '/process/args'], status: 'honoured', note: 'the program, looked up inside the container, with exactly this environment, started in cwd (resolved in the rootfs)', proof: [T.features, 'test/integration/working-dir.test.ts'], kind: 'integration' },
  { paths: ['/process/commandLine'], status: 'ignored', note: 'Windows only (config.md); runc ignores it' },
  { paths: ['/process/user', '/process/user/uid', '/process/user/gid', '/process/user/umask', '/process/user/additionalGids'], status: 'honoured', note: 'setgroups, setresgid, setresuid, umask in the init (additionalGids refused when setgroups must be denied)', proof: [T.features, T.rootless], kind: 'integration' },
  { paths: ['/process/user/username'], status: 'ignored', note: 'Windows only (config.md); runc ignores it' },
  { paths: ['/process/capabilities', ...under('/process/capabilities', 'bounding', 'permitted', 'effective', 'inheritable', 'ambient')], status: 'honoured', note: 'the five sets; a name berth itself lacks is dropped with a warning (config.md)', proof: [T.features, T.setup], kind: 'integration' },
  { paths: ['/process/apparmorProfile'], status: 'honoured', note: 'the profile the process execs under where AppArmor runs (a profile that denies a file denies it in the container; exec --apparmor too); refused naming the field where AppArmor does not run', proof: ['test/integration/lsm-apparmor.test.ts', T.failures], kind: 'vm' },
  { paths: ['/process/selinuxLabel'], status: 'honoured', note: 'the label the process execs with where SELinux runs (the VM lane loads the reference policy, permissive); refused naming the field where SELinux does not run', proof: ['test/integration/lsm-selinux.test.ts', T.failures], kind: 'vm' },
  { paths: ['/process/oomScoreAdj'], status: 'honoured', note: 'written through the procfs handle', proof: [T.features], kind: 'integration' },
  { paths: ['/process/ioPriority', '/process/ioPriority/class', '/process/ioPriority/priority'], status: 'honoured', note: 'ioprio_set', proof: [T.setup], kind: 'integration' },
  { paths: ['/process/noNewPrivileges'], status: 'honoured', note: 'PR_SET_NO_NEW_PRIVS before exec', proof: [T.features], kind: 'integration' },
  { paths: ['/process/scheduler', ...under('/process/scheduler', 'policy', 'nice', 'priority', 'flags', 'runtime', 'deadline', 'period')], status: 'honoured', note: 'sched_setattr', proof: [T.setup], kind: 'integration' },
  { paths: ['/process/rlimits', ...under('/process/rlimits/*', 'type', 'soft', 'hard')], status: 'honoured', note: 'prlimit in the init', proof: [T.features], kind: 'integration' },
  { paths: ['/process/execCPUAffinity', '/process/execCPUAffinity/initial', '/process/execCPUAffinity/final'], status: 'honoured', note: 'exec only (config.md: not the init; config.json\'s value is the default for each exec): initial before the process joins the cgroup, final after; without it the process gets every CPU back (a pinned caller does not pin the container), as runc 1.3+', proof: ['test/integration/spec-cpu-affinity.test.ts'], kind: 'integration' },

  // --- hooks ---
  { paths: ['/hooks'], status: 'honoured', note: 'each kind at its moment of runtime.md, the state on stdin', proof: [T.features, 'test/integration/hooks-stdin.test.ts'], kind: 'integration' },
  ...HOOK_NAMES.map((h): LedgerEntry => ({ paths: [`/hooks/${h}`, ...under(`/hooks/${h}/*`, 'path', 'args', 'env')], status: 'honoured', note: 'path (absolute), args, env', proof: [T.features], kind: 'integration' })),
  { paths: HOOK_NAMES.map((h) => `/hooks/${h}/*/timeout`), status: 'honoured', note: 'the hook is killed after timeout seconds and fails', proof: [T.hooksUnit], kind: 'unit' },

  // --- linux: namespaces, ids, devices ---
  { paths: ['/linux'], status: 'honoured', note: 'the Linux section', proof: [T.features], kind: 'integration' },
  { paths: ['/linux/namespaces', '/linux/namespaces/*/type', '/linux/namespaces/*/path'], status: 'honoured', note: 'new (clone/unshare flags) or joined by path (setns; the type is checked)', proof: [T.features, T.failures], kind: 'integration' },
  { paths: [...mapping('/linux/uidMappings'), ...mapping('/linux/gidMappings')], status: 'honoured', note: 'written by the runtime side (newuidmap/newgidmap for ranges when not root)', proof: [T.features, T.rootless], kind: 'integration' },
  { paths: ['/linux/timeOffsets', '/linux/timeOffsets/*', '/linux/timeOffsets/*/secs', '/linux/timeOffsets/*/nanosecs'], status: 'honoured', note: 'timens_offsets of a new time namespace', proof: [T.setup], kind: 'integration' },
  { paths: ['/linux/devices', ...under('/linux/devices/*', 'type', 'path', 'fileMode', 'major', 'minor', 'uid', 'gid')], status: 'honoured', note: 'mknod (bind mounts of the host node in a user namespace), mode and owner', proof: [T.features, T.rootless], kind: 'integration' },
  { paths: ['/linux/netDevices', '/linux/netDevices/*', '/linux/netDevices/*/name'], status: 'honoured', note: 'as root: the host interface moves into the container network namespace when the init exists (before any hook), renamed (a %d template too), with its permanent global addresses, up; back to the host if create fails; refused naming the device when it is missing, the name is taken or invalid, or the container has no network namespace of its own', proof: ['test/integration/spec-netdevices.test.ts'], kind: 'integration' },
  { paths: ['/linux/rootfsPropagation'], status: 'honoured', note: 'the propagation of the root mount', proof: [T.setup], kind: 'integration' },
  { paths: ['/linux/maskedPaths'], status: 'honoured', note: '/dev/null over files, a read-only tmpfs over directories', proof: [T.features, 'test/integration/security-paths.test.ts'], kind: 'integration' },
  { paths: ['/linux/readonlyPaths'], status: 'honoured', note: 'read-only bind remounts', proof: [T.features], kind: 'integration' },
  { paths: ['/linux/mountLabel'], status: 'honoured', note: 'the context="LABEL" option on the mounts that take data (not proc, sysfs, mqueue, cgroup2, binds), as runc, where SELinux runs; refused naming the field where it does not, as selinuxLabel', proof: ['test/integration/lsm-selinux.test.ts', 'test/unit/plan-mount-label.test.ts', T.failures], kind: 'vm' },
  { paths: ['/linux/personality', '/linux/personality/domain'], status: 'honoured', note: 'personality(2) (LINUX, LINUX32)', proof: [T.setup], kind: 'integration' },
  { paths: ['/linux/personality/flags'], status: 'refused', note: 'runtime-spec 1.3 defines no flags: any flag is refused', proof: [T.validate], kind: 'unit' },
  { paths: ['/linux/sysctl', '/linux/sysctl/*'], status: 'honoured', note: 'written under /proc/sys in the container, as root too only for keys of a namespace the container has of its own (IPC keys: a new ipc namespace; kernel.domainname: a new uts one; net.*: a network namespace not the runtime\'s own); every other key (the host\'s) refused naming /linux/sysctl/KEY before anything is made, as runc', proof: [T.features, 'test/integration/spec-sysctl.test.ts'], kind: 'integration' },
  { paths: ['/linux/intelRdt', ...under('/linux/intelRdt', 'closID', 'schemata', 'l3CacheSchema', 'memBwSchema', 'enableMonitoring')], status: 'honoured', note: 'where resctrl is mounted: the CLOS group (closID, or the container id), its schemata, the init in tasks before start, mon_groups/<id> with enableMonitoring, removed on delete (a named group stays); update --l3-cache-schema/--mem-bw-schema. Where it is not (this project\'s hosts and VMs), refused naming /linux/intelRdt before anything is made: the resctrl writes are proved by unit tests against a stand-in tree', proof: ['test/unit/intelrdt.test.ts', 'test/integration/intelrdt.test.ts', T.failures], kind: 'unit' },
  { paths: ['/linux/memoryPolicy', '/linux/memoryPolicy/mode', '/linux/memoryPolicy/nodes', '/linux/memoryPolicy/flags'], status: 'honoured', note: 'set_mempolicy(2) in the init and each exec\'d process before exec; a node the host lacks is refused naming nodes', proof: ['test/integration/spec-memory-policy.test.ts'], kind: 'integration' },

  // --- linux: cgroups ---
  { paths: ['/linux/cgroupsPath'], status: 'honoured', note: 'relative: under berth\'s own cgroup; absolute; slice:prefix:name with --systemd-cgroup', proof: [T.cgroups, 'test/integration/cgroups-systemd.test.ts'], kind: 'integration' },
  { paths: ['/linux/resources'], status: 'honoured', note: 'written to the container cgroup (v1, v2, or through systemd)', proof: [T.cgroups], kind: 'integration' },
  { paths: ['/linux/resources/devices', ...under('/linux/resources/devices/*', 'allow', 'type', 'major', 'minor', 'access')], status: 'honoured', note: 'v1 devices.allow/deny, v2 an eBPF device program', proof: [T.cgroups, T.cgLife], kind: 'integration' },
  { paths: ['/linux/resources/memory', ...under('/linux/resources/memory', 'limit', 'reservation', 'swap', 'swappiness', 'disableOOMKiller')], status: 'honoured', note: 'memory.limit_in_bytes/max, soft limit/low, memsw/swap.max, swappiness and oom_control (v1)', proof: [T.cgroups, T.cgLife], kind: 'integration' },
  { paths: ['/linux/resources/memory/useHierarchy', '/linux/resources/memory/checkBeforeUpdate'], status: 'honoured', note: 'v1 memory.use_hierarchy; v2: a new limit below the current usage is refused', proof: [T.cgPlan], kind: 'unit' },
  { paths: ['/linux/resources/memory/kernel', '/linux/resources/memory/kernelTCP'], status: 'ignored', note: 'kernel memory accounting limits are deprecated and gone from cgroup v2: runc ignores them with the same warning berth gives' },
  { paths: ['/linux/resources/cpu', ...under('/linux/resources/cpu', 'shares', 'quota', 'period', 'cpus', 'mems', 'realtimeRuntime', 'realtimePeriod')], status: 'honoured', note: 'cpu shares/weight, cfs quota/cpu.max, cpuset, v1 real-time budget', proof: [T.cgroups], kind: 'integration' },
  { paths: ['/linux/resources/cpu/burst', '/linux/resources/cpu/idle'], status: 'honoured', note: 'cpu.cfs_burst_us / cpu.max.burst, cpu.idle', proof: [T.cgroups], kind: 'integration' },
  { paths: ['/linux/resources/pids', '/linux/resources/pids/limit'], status: 'honoured', note: 'pids.max once the init is up; 0 is a limit, written as 1 as runc 1.5 does (systemd\'s TasksMax cannot be 0, so both drivers give the same), a negative value "max"', proof: [T.cgLife, 'test/integration/spec-pids.test.ts'], kind: 'integration' },
  {
    paths: ['/linux/resources/blockIO', ...['throttleReadBpsDevice', 'throttleWriteBpsDevice', 'throttleReadIOPSDevice', 'throttleWriteIOPSDevice'].flatMap((t) => [`/linux/resources/blockIO/${t}`, ...under(`/linux/resources/blockIO/${t}/*`, 'major', 'minor', 'rate')])],
    status: 'honoured', note: 'v1 blkio.throttle.*, v2 io.max', proof: [T.cgroups], kind: 'integration',
  },
  {
    paths: ['/linux/resources/blockIO/weight', '/linux/resources/blockIO/leafWeight', '/linux/resources/blockIO/weightDevice', ...under('/linux/resources/blockIO/weightDevice/*', 'major', 'minor', 'weight', 'leafWeight')],
    status: 'honoured', note: 'v1 blkio.weight (and leaf), v2 io.bfq.weight or io.weight converted as runc; a kernel without the weight files (no BFQ/CFQ, as here) fails naming the field', proof: [T.cgPlan], kind: 'unit',
  },
  { paths: ['/linux/resources/hugepageLimits', '/linux/resources/hugepageLimits/*/pageSize', '/linux/resources/hugepageLimits/*/limit'], status: 'honoured', note: 'hugetlb.<size>.limit_in_bytes / .max; refused naming the field where the controller is missing (v1 here)', proof: [T.cgroups, T.cgPlan], kind: 'integration' },
  { paths: ['/linux/resources/network', '/linux/resources/network/classID', '/linux/resources/network/priorities', '/linux/resources/network/priorities/*/name', '/linux/resources/network/priorities/*/priority'], status: 'honoured', note: 'v1 net_cls.classid and net_prio.ifpriomap; a layout without the controller (every v2 host) refuses it naming the field', proof: [T.cgroups, T.cgPlan], kind: 'integration' },
  { paths: ['/linux/resources/rdma', '/linux/resources/rdma/*', '/linux/resources/rdma/*/hcaHandles', '/linux/resources/rdma/*/hcaObjects'], status: 'honoured', note: 'rdma.max (v1 and v2); refused naming the field where the controller is missing', proof: [T.cgroups, T.cgPlan], kind: 'integration' },
  { paths: ['/linux/resources/unified', '/linux/resources/unified/*'], status: 'honoured', note: 'cgroup v2 files by name; refused on v1', proof: [T.cgroups], kind: 'integration' },

  // --- linux: seccomp ---
  {
    paths: [
      '/linux/seccomp', ...under('/linux/seccomp', 'defaultAction', 'defaultErrnoRet', 'flags', 'listenerPath', 'listenerMetadata', 'architectures', 'syscalls'),
      ...under('/linux/seccomp/syscalls/*', 'names', 'action', 'errnoRet', 'args'), ...under('/linux/seccomp/syscalls/*/args/*', 'index', 'value', 'valueTwo', 'op'),
    ],
    status: 'honoured', note: 'compiled with libseccomp and loaded last before exec; NOTIFY listeners go to listenerPath', proof: [T.seccomp, T.seccompUnit], kind: 'integration',
  },

  // --- other platforms ---
  { paths: ['/freebsd', '/solaris', '/windows', '/vm', '/zos'], status: 'ignored', note: 'another platform\'s section (config.md: platform-specific); a Linux runtime does not read it, as runc does not', subtree: true },
];

/**
 * Annotations that change what berth does (features' potentiallyUnsafeConfigAnnotations; a
 * name ending in "." is a prefix). Every other annotation is passed through untouched.
 */
export interface AnnotationEntry {
  name: string;
  note: string;
  proof: string[];
}

export const ANNOTATIONS: readonly AnnotationEntry[] = [
  {
    name: 'org.systemd.property.',
    note: 'with --systemd-cgroup: a property of the transient scope (the value as systemd\'s D-Bus text, runc\'s rules; a malformed one refused naming the annotation); without the systemd driver ignored, as runc',
    proof: ['test/integration/spec-systemd-properties.test.ts', 'test/integration/cgroups-systemd.test.ts', 'test/unit/systemd-annotation-properties.test.ts'],
  },
  {
    name: 'org.criu.config',
    note: 'the CRIU configuration file for checkpoint and restore (empty: none; absent: /etc/criu/runc.conf), as runc',
    proof: ['test/integration/checkpoint.test.ts', 'test/unit/criu.test.ts'],
  },
];

/** The entry that covers a property path, exactly or as a subtree. */
export function ledgerEntry(path: string): LedgerEntry | undefined {
  return LEDGER.find((e) => e.paths.some((p) => p === path || (e.subtree && path.startsWith(`${p}/`))));
}

/** Whether berth honours the property at path (where the host can do it). */
export function honoured(path: string): boolean {
  return ledgerEntry(path)?.status === 'honoured';
}
