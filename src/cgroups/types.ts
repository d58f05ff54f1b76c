/**
 * Shared types of src/cgroups. The public interface (Cgroup, CgroupRecord, ...) is re-exported
 * from index.ts; the rest (CgroupWrite, PlanContext, LinuxResources) is what the per-controller
 * planners use: a planner turns linux.resources into a list of writes and touches nothing.
 */

export type CgroupLayout = 'unified' | 'hybrid' | 'legacy';

/** JSON-safe, stored in state.json. */
export interface CgroupRecord {
  layout: CgroupLayout;
  /** controller name → absolute dir; "" is the cgroup v2 (unified) dir. */
  paths: Record<string, string>;
  /** The dirs create() made (parents included), in the order it made them. */
  created: string[];
  /** systemd driver: the container's scope unit ("runc-x.scope"); destroy stops it. */
  systemdUnit?: string;
}

export interface Cgroup {
  readonly record: CgroupRecord;
  /** Rootless: no device rules (no v1 devices writes, no v2 device program), as runc. */
  skipDevices: boolean;
  create(resources?: unknown): void;
  /** Called once the init has joined procsFiles() (the systemd driver ends its placeholder). */
  afterJoin(): void;
  procsFiles(): string[];
  pids(): number[];
  freeze(): void;
  thaw(): void;
  isFrozen(): boolean;
  killAll(signal: number): void;
  update(resources: unknown): void;
  stats(): unknown;
  /** The kernel's count of OOM kills in the cgroup (v1 memory.oom_control, v2 memory.events
   * `oom_kill`); undefined without a memory controller or an old kernel. */
  oomKills(): number | undefined;
  destroy(): void;
}

/** One write(2) to one control file. */
export interface CgroupWrite {
  /** Key into CgroupRecord.paths: a v1 controller ("memory", ...) or "" for the v2 dir. */
  controller: string;
  /** File name inside that dir, e.g. "memory.limit_in_bytes". */
  file: string;
  value: string;
  /** The spec field this write comes from, for error messages: "linux.resources.memory.limit". */
  field: string;
  /** ENOENT is not an error (a file the kernel may not have). */
  ignoreMissing?: boolean;
  /** On EINVAL, retry once after every other write of the plan (cfs period/burst vs quota). */
  deferOnEinval?: boolean;
  /** Read the file back after writing; a returned string is the error message (cpu.shares). */
  check?: (readBack: string) => string | undefined;
}

/** What a planner may look at. Real: the cgroup dirs; tests: a fake. */
export interface PlanContext {
  /** Contents of a control file (trimmed), undefined when it does not exist or cannot be read. */
  read(controller: string, file: string): string | undefined;
  exists(controller: string, file: string): boolean;
  /** v1: the mounted controllers (keys of paths); v2: the controllers enabled in the dir. */
  controllers: ReadonlySet<string>;
  /** true for a live update of an existing cgroup, false at create. */
  update: boolean;
}

// ---- linux.resources, as the OCI runtime spec defines it (every field optional) ----

export type Int = number | bigint;

export interface LinuxDeviceCgroup {
  allow: boolean;
  type?: string;
  major?: Int | null;
  minor?: Int | null;
  access?: string;
}

export interface LinuxMemory {
  limit?: Int;
  reservation?: Int;
  swap?: Int;
  kernel?: Int;
  kernelTCP?: Int;
  swappiness?: Int;
  disableOOMKiller?: boolean;
  useHierarchy?: boolean;
  checkBeforeUpdate?: boolean;
}

export interface LinuxCPU {
  shares?: Int;
  quota?: Int;
  burst?: Int;
  period?: Int;
  realtimeRuntime?: Int;
  realtimePeriod?: Int;
  cpus?: string;
  mems?: string;
  idle?: Int;
}

export interface LinuxWeightDevice {
  major: Int;
  minor: Int;
  weight?: Int;
  leafWeight?: Int;
}

export interface LinuxThrottleDevice {
  major: Int;
  minor: Int;
  rate: Int;
}

export interface LinuxBlockIO {
  weight?: Int;
  leafWeight?: Int;
  weightDevice?: LinuxWeightDevice[];
  throttleReadBpsDevice?: LinuxThrottleDevice[];
  throttleWriteBpsDevice?: LinuxThrottleDevice[];
  throttleReadIOPSDevice?: LinuxThrottleDevice[];
  throttleWriteIOPSDevice?: LinuxThrottleDevice[];
}

export interface LinuxHugepageLimit {
  pageSize: string;
  limit: Int;
}

export interface LinuxNetwork {
  classID?: Int;
  priorities?: { name: string; priority: Int }[];
}

export interface LinuxRdma {
  hcaHandles?: Int;
  hcaObjects?: Int;
}

export interface LinuxResources {
  devices?: LinuxDeviceCgroup[];
  memory?: LinuxMemory;
  cpu?: LinuxCPU;
  pids?: { limit?: Int };
  blockIO?: LinuxBlockIO;
  hugepageLimits?: LinuxHugepageLimit[];
  network?: LinuxNetwork;
  rdma?: Record<string, LinuxRdma>;
  unified?: Record<string, string>;
}
