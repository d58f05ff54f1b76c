import { existsSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { run, type Runtime } from './env.js';
import type { PrivateCriContainerd } from './cri.js';

type Msg = Record<string, any>;

export type Ns = 'POD' | 'CONTAINER' | 'NODE';

/** A pod's namespaces (network NODE and pid CONTAINER unless asked) and extra labels. */
export interface PodOpts {
  network?: Ns;
  pid?: Ns;
  labels?: Record<string, string>;
}

/**
 * What a kubelet sends for one pod and its containers, for one runtime handler: pods on the node's
 * network (no CNI), under this instance's cgroup parent, logs in its temp dir.
 */
export class Pods {
  private n = 0;
  constructor(
    private readonly ctd: PrivateCriContainerd,
    readonly rt: Runtime,
  ) {}

  sandboxConfig(name: string, opts: PodOpts = {}): Msg {
    const uid = `${this.rt.name}-${name}-${this.n++}`;
    return {
      metadata: { name, uid, namespace: 'berth-cri', attempt: 0 },
      hostname: opts.network === 'POD' ? name : '',
      log_directory: join(this.ctd.logDir, uid),
      labels: { lane: 'cri', handler: this.rt.name, ...opts.labels },
      linux: {
        cgroup_parent: `/${this.ctd.cgroupParent}/${uid}`,
        security_context: { namespace_options: { network: opts.network ?? 'NODE', pid: opts.pid ?? 'CONTAINER', ipc: 'POD' } },
      },
    };
  }

  /** RunPodSandbox with this handler: the pod's id and the config to pass again on create. */
  async runPod(name: string, opts: PodOpts = {}): Promise<{ id: string; config: Msg }> {
    const config = this.sandboxConfig(name, opts);
    const r = await this.ctd.cri.call('RunPodSandbox', { config, runtime_handler: this.rt.name });
    return { id: r.pod_sandbox_id, config };
  }

  /** CreateContainer in the pod; the log goes to `<log_directory>/<name>/<attempt>.log`. */
  async create(
    pod: { id: string; config: Msg },
    name: string,
    command: string[],
    opts: { attempt?: number; pid?: Ns; labels?: Record<string, string> } = {},
  ): Promise<string> {
    const attempt = opts.attempt ?? 0;
    const config = {
      metadata: { name, attempt },
      image: { image: this.ctd.image },
      command,
      envs: [{ key: 'HANDLER', value: this.rt.name }],
      labels: { container: name, ...opts.labels },
      log_path: `${name}/${attempt}.log`,
      linux: { security_context: { namespace_options: { ...pod.config.linux.security_context.namespace_options, ...(opts.pid ? { pid: opts.pid } : {}) } } },
    };
    const r = await this.ctd.cri.call('CreateContainer', { pod_sandbox_id: pod.id, config, sandbox_config: pod.config });
    return r.container_id;
  }

  /**
   * StopPodSandbox then RemovePodSandbox, then the pod's cgroup dir is removed (the kubelet owns
   * the pod-level cgroup; the runtime made and must have removed those of the containers under
   * it). Returns the cgroup dirs the runtime left under the pod's (none when all is well).
   */
  async removePod(pod: { id: string; config: Msg }): Promise<string[]> {
    await this.ctd.cri.call('StopPodSandbox', { pod_sandbox_id: pod.id });
    await this.ctd.cri.call('RemovePodSandbox', { pod_sandbox_id: pod.id });
    const left: string[] = [];
    for (const h of readdirSync('/sys/fs/cgroup')) {
      const dir = join('/sys/fs/cgroup', h, pod.config.linux.cgroup_parent);
      if (!existsSync(dir)) continue;
      for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) left.push(join(dir, e.name));
      if (!left.length) rmdirSync(dir);
    }
    return left;
  }

  async status(cid: string): Promise<Msg> {
    return (await this.ctd.cri.call('ContainerStatus', { container_id: cid, verbose: false })).status;
  }

  /** The container's init pid, from ContainerStatus' verbose info (containerd's JSON). */
  async pid(cid: string): Promise<number> {
    const r = await this.ctd.cri.call('ContainerStatus', { container_id: cid, verbose: true });
    return JSON.parse(r.info.info).pid;
  }

  /** The file a pod's container logs to, as the kubelet finds it. */
  logFile(pod: { config: Msg }, name: string, attempt = 0): string {
    return join(pod.config.log_directory, name, `${attempt}.log`);
  }

  /** `<runtime> --root R state ID`: the handler's own view of a container or sandbox. */
  runtimeState(id: string) {
    return run(this.rt.path, ['--root', this.ctd.runtimeRoot(this.rt), 'state', id]);
  }

  /** Ids in the handler's state root. */
  leftInRoot(): string[] {
    const root = this.ctd.runtimeRoot(this.rt);
    return existsSync(root) ? readdirSync(root) : [];
  }
}

/** The container's cgroup dir in a v1 controller's hierarchy (or the unified one), from /proc. */
export function cgroupDir(pid: number, controller: string): string {
  const lines = readFileSync(`/proc/${pid}/cgroup`, 'utf8').trim().split('\n');
  const v1 = lines.find((l) => l.split(':')[1]!.split(',').includes(controller));
  if (v1) return join('/sys/fs/cgroup', controller, v1.split(':')[2]!);
  const v2 = lines.find((l) => l.startsWith('0::'))!;
  return join('/sys/fs/cgroup', v2.slice(3));
}

/** CRI log lines (`<RFC3339Nano> <stream> <P|F> <text>`) as [stream, text] pairs. */
export function criLogLines(file: string): [string, string][] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((l) => {
      const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?(?:Z|[+-]\d\d:\d\d)) (stdout|stderr) ([PF]) (.*)$/.exec(l);
      if (!m) throw new Error(`not a CRI log line: ${JSON.stringify(l)}`);
      return [m[2]!, m[4]!] as [string, string];
    });
}
