import { spawn } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, mkdtempSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { status as grpcStatus } from '@grpc/grpc-js';
import { CriClient, type CriError } from './cri-client.js';
import { buildPauseImage, LANE_IMAGE } from './pause-image.js';
import { readmeSnippet } from './readme.js';
import { alive, hostPathsMadeBy, privateContainerdConfig, removeCgroupTree, run, stopPid, unmountAndRemove, waitFor, type Runtime } from './env.js';

/** Debian's programs for this lane, with the package that has each. */
export const CRI_PROGRAMS = {
  containerd: 'containerd',
  ctr: 'containerd',
  'containerd-shim-runc-v2': 'containerd',
  tar: 'tar',
  unshare: 'util-linux',
  ip: 'iproute2',
};

/** The CNI plugin the lane's pod network uses (Debian containernetworking-plugins). */
export const CNI_BRIDGE = '/usr/lib/cni/bridge';

/**
 * containerd's CRI plugin cannot run here (it did not load, the lane's network namespace or image
 * could not be made): the lane skips with this message rather than failing.
 */
export class CriUnavailable extends Error {}

/** Where libcni caches each pod's CNI result (`<network>-<sandbox id>-<ifname>`). */
export const CNI_CACHE = '/var/lib/cni';

/** The CRI plugin's section of config.toml. */
const CRI = 'plugins."io.containerd.grpc.v1.cri"';

/**
 * A private containerd 1.6 with its CRI plugin on: config, root, state, sockets, CNI config dir
 * and the runtimes' state roots in a temp dir; started as our child and stopped by its PID, in a
 * network namespace of its own (only its loopback up): that is the "node" network of its
 * NODE-network pods, and where the CNI bridge of its POD-network pods is made, so nothing the
 * CRI plugin does to networks reaches the host's. The
 * runtime handlers are README.md's `berth` entry (its snippet, with a state root here added to
 * its options) and the same entry for runc. The sandbox image is the lane's own busybox image.
 */
export class PrivateCriContainerd {
  readonly dir: string;
  readonly sock: string;
  /** Cgroup parent (cgroupfs syntax) under which every pod of this instance is put. */
  readonly cgroupParent: string;
  readonly logDir: string;
  readonly image = LANE_IMAGE;
  cri!: CriClient;
  private pid = 0;
  /**
   * Host dirs containerd makes on its own: the shims' sockets in /run/containerd/s (fixed in
   * 1.6) and libcni's result cache in /var/lib/cni (not configurable in 1.6); removed after the
   * lane if it made them, as far as they are empty.
   */
  private hostPaths = hostPathsMadeBy([], ['/run/containerd', CNI_CACHE]);

  constructor(private readonly runtimes: Runtime[]) {
    this.dir = mkdtempSync(join(tmpdir(), 'berth-cri-'));
    this.sock = join(this.dir, 'containerd.sock');
    this.logDir = join(this.dir, 'pod-logs');
    this.cgroupParent = `berth-cri-${process.pid}-${Date.now().toString(36)}`;
  }

  /** The runtime's own state root (the shim passes `--root <Root>/k8s.io`). */
  runtimeRoot(rt: Runtime): string {
    return join(this.dir, 'runtime-root', rt.name, 'k8s.io');
  }

  /** The `[...runtimes.NAME]` tables: berth's is README.md's snippet, runc's the same shape. */
  private runtimeTables(): string {
    return this.runtimes
      .map((rt) => {
        const root = `    Root = "${join(this.dir, 'runtime-root', rt.name)}"`;
        if (rt.name === 'berth') {
          const snippet = readmeSnippet('toml', 'BinaryName').replace(/^version = 2\n/m, '').trimEnd();
          if (!snippet.trimEnd().endsWith(`BinaryName = "${rt.path}"`)) throw new Error('README snippet no longer ends in its options table');
          return `${snippet}\n${root}`;
        }
        return [
          `[${CRI}.containerd.runtimes.${rt.name}]`,
          '  runtime_type = "io.containerd.runc.v2"',
          `  [${CRI}.containerd.runtimes.${rt.name}.options]`,
          `    BinaryName = "${rt.path}"`,
          root,
        ].join('\n');
      })
      .join('\n');
  }

  configText(): string {
    const cniDir = join(this.dir, 'cni');
    return [
      ...privateContainerdConfig(this.dir, this.sock, { cri: true }),
      `[${CRI}]`,
      `  sandbox_image = "${this.image}"`,
      '  stream_server_address = "127.0.0.1"',
      '  stream_server_port = "0"',
      // Root without CAP_SYS_RESOURCE (this kind of host) cannot lower oom_score_adj: the pause
      // container's -998 is clamped to containerd's own, as on a rootless or nested node.
      '  restrict_oom_score_adj = true',
      // pod netns bind mounts in the state dir (removed with it), not /var/run/netns
      '  netns_mounts_under_state_dir = true',
      `[${CRI}.cni]`,
      '  bin_dir = "/usr/lib/cni"',
      `  conf_dir = "${cniDir}"`,
      `[${CRI}.containerd]`,
      '  snapshotter = "overlayfs"',
      '  default_runtime_name = "runc"',
      this.runtimeTables(),
      '',
    ].join('\n');
  }

  /** Where host-local keeps its address leases (one file per address in use). */
  get ipamDir(): string {
    return join(this.dir, 'cni-ipam');
  }

  /** The subnet POD-network pods get addresses from. */
  readonly podSubnet = '10.213.7.0/24';

  /**
   * The pod network: a bridge in containerd's own network namespace, addresses from host-local
   * (leases in the temp dir), no gateway, no masquerading, no firewall rules.
   */
  private cniConfig() {
    return {
      cniVersion: '0.4.0',
      name: 'berth-cri',
      plugins: [
        {
          type: 'bridge',
          bridge: 'berth-cri0',
          isGateway: false,
          ipMasq: false,
          ipam: { type: 'host-local', ranges: [[{ subnet: this.podSubnet }]], dataDir: this.ipamDir },
        },
      ],
    };
  }

  /** containerd's pid: its network namespace is the lane's node network. */
  get daemonPid(): number {
    return this.pid;
  }

  async start(): Promise<void> {
    mkdirSync(join(this.dir, 'cni'));
    writeFileSync(join(this.dir, 'cni', '10-berth-cri.conflist'), JSON.stringify(this.cniConfig()));
    mkdirSync(this.logDir);
    const cfg = join(this.dir, 'config.toml');
    writeFileSync(cfg, this.configText());
    const log = openSync(join(this.dir, 'containerd.log'), 'w');
    const child = spawn('unshare', ['--net', '--', 'sh', '-c', 'ip link set lo up && exec containerd --config "$0"', cfg], {
      stdio: ['ignore', log, log],
      detached: true,
    });
    closeSync(log);
    child.unref();
    this.pid = child.pid!;
    await waitFor('containerd to serve', () => {
      if (!alive(this.pid)) {
        const log = this.log();
        if (/^unshare: /m.test(log)) throw new CriUnavailable(`no network namespace for containerd: ${log.trim()}`);
        throw new Error(`containerd exited:\n${log}`);
      }
      return existsSync(this.sock) && this.ctr(['version']).status === 0;
    });
    const archive = buildPauseImage(join(this.dir, 'image'));
    const imp = this.ctr(['images', 'import', archive]);
    if (imp.status !== 0) throw new CriUnavailable(`the lane's image does not import (snapshotter overlayfs): ${imp.stderr.trim()}`);
    this.cri = new CriClient(this.sock);
    const st = await this.cri.call('Status', { verbose: false }).catch((e: CriError) => {
      if (e.code !== grpcStatus.UNIMPLEMENTED) throw e;
      const line = this.log(400).split('\n').find((l) => l.includes('failed to load plugin io.containerd.grpc.v1.cri'));
      throw new CriUnavailable(`containerd's CRI plugin did not load: ${line ?? e.message}`);
    });
    const ready = st.status.conditions.find((c: { type: string }) => c.type === 'RuntimeReady');
    if (!ready?.status) throw new Error(`CRI runtime not ready: ${JSON.stringify(st.status)}`);
  }

  log(lines = 30): string {
    try {
      return readFileSync(join(this.dir, 'containerd.log'), 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '';
    }
  }

  ctr(args: string[]) {
    return run('ctr', ['--address', this.sock, '--namespace', 'k8s.io', ...args], { timeout: 60_000 });
  }

  /** Stop and remove every pod left (a failed test), stop containerd by PID, clean up. */
  async stop(): Promise<void> {
    if (this.cri && this.pid && alive(this.pid)) {
      try {
        const pods = (await this.cri.call('ListPodSandbox', {})).items as { id: string }[];
        for (const p of pods) {
          await this.cri.call('StopPodSandbox', { pod_sandbox_id: p.id }).catch(() => undefined);
          await this.cri.call('RemovePodSandbox', { pod_sandbox_id: p.id }).catch(() => undefined);
        }
      } catch {
        /* containerd is not answering: stopped below */
      }
    }
    this.cri?.close();
    if (this.pid) await stopPid(this.pid);
    unmountAndRemove(this.dir);
    removeCgroupTree(this.cgroupParent);
    this.hostPaths.remove();
  }
}
