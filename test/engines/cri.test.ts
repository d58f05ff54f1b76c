// Kubernetes' view: a private containerd 1.6 with its CRI plugin on, driven over CRI runtime.v1
// the way a kubelet drives it (helpers/cri-client.ts, helpers/cri.proto), with runtime_handler
// = runc and = berth side by side: every scenario must give the same result for both handlers.
// Pods are on the node's network (no CNI); the sandbox image is built here from busybox-static.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import { BERTH } from '../helpers/bundle.js';
import { CRI_PROGRAMS, PrivateCriContainerd } from './helpers/cri.js';
import { CriError } from './helpers/cri-client.js';
import { cgroupDir, criLogLines, Pods } from './helpers/cri-pods.js';
import { alive, announceSkip, run, runtimes, waitFor, whyNot, type Runtime } from './helpers/env.js';

const why = whyNot(CRI_PROGRAMS);
announceSkip('cri', why);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const text = (b: Buffer | Uint8Array) => Buffer.from(b).toString('utf8');

describe.skipIf(!!why)(`cri${why ? ` (skipped: ${why})` : ''}`, () => {
  let ctd: PrivateCriContainerd;

  beforeAll(async () => {
    ctd = new PrivateCriContainerd(runtimes());
    await ctd.start();
  });

  afterAll(async () => {
    await ctd?.stop();
  });

  describe.each(runtimes())('runtime_handler $name', (rt: Runtime) => {
    let pods: Pods;
    beforeAll(() => {
      pods = new Pods(ctd, rt);
    });
    const cri = (method: string, req: Record<string, unknown>, ms?: number) => ctd.cri.call(method, req, ms);

    it('a pod end to end: run, create, start, status, log, exec, update, stats, stop, remove', async () => {
      const pod = await pods.runPod('main');
      const ps = (await cri('PodSandboxStatus', { pod_sandbox_id: pod.id })).status;
      expect(ps.state).toBe('SANDBOX_READY');
      expect(ps.runtime_handler).toBe(rt.name);
      // the handler's runtime made the sandbox: it is in that runtime's own state root
      expect(JSON.parse(pods.runtimeState(pod.id).stdout).status).toBe('running');

      const cid = await pods.create(pod, 'app', ['/bin/sh', '-c', 'echo hello from $HANDLER; echo to stderr >&2; trap "echo got TERM; exit 0" TERM; while true; do sleep 0.1; done']);
      expect((await pods.status(cid)).state).toBe('CONTAINER_CREATED');
      await cri('StartContainer', { container_id: cid });
      const st = await pods.status(cid);
      expect(st.state).toBe('CONTAINER_RUNNING');
      expect(st.started_at).toBeGreaterThan(0);
      expect(st.log_path).toBe(pods.logFile(pod, 'app'));
      const pid = await pods.pid(cid);
      expect(alive(pid)).toBe(true);
      expect(JSON.parse(pods.runtimeState(cid).stdout).pid).toBe(pid);
      expect(readFileSync(`/proc/${pid}/cgroup`, 'utf8')).toContain(`/${ctd.cgroupParent}/`);

      // the container's stdout and stderr, in CRI log format, in the file the kubelet reads
      const log = pods.logFile(pod, 'app');
      await waitFor('both lines in the log', () => criLogLines(log).length >= 2);
      expect(criLogLines(log)).toEqual(expect.arrayContaining([['stdout', `hello from ${rt.name}`], ['stderr', 'to stderr']]));

      // ExecSync: output and exit code, as a probe sees them
      const ex = await cri('ExecSync', { container_id: cid, cmd: ['/bin/sh', '-c', 'echo out $HANDLER; echo err >&2; exit 3'], timeout: 10 });
      expect(text(ex.stdout)).toBe(`out ${rt.name}\n`);
      expect(text(ex.stderr)).toBe('err\n');
      expect(ex.exit_code).toBe(3);
      // ExecSync with a timeout: the call fails once it is exceeded, and the process is killed
      const t0 = Date.now();
      const err = await cri('ExecSync', { container_id: cid, cmd: ['/bin/sleep', '37'], timeout: 1 }).catch((e) => e);
      expect(err).toBeInstanceOf(CriError);
      expect(err.details).toMatch(/timeout 1s exceeded/);
      expect(Date.now() - t0).toBeLessThan(10_000);
      await waitFor('the timed-out exec to be gone', () => !run('ps', ['-eo', 'args']).stdout.includes('/bin/sleep 37'));

      // UpdateContainerResources: the limits land in the container's cgroup
      await cri('UpdateContainerResources', { container_id: cid, linux: { memory_limit_in_bytes: 64 * 1024 * 1024, cpu_period: 100_000, cpu_quota: 50_000, cpu_shares: 512 } });
      const mem = cgroupDir(pid, 'memory');
      const cpu = cgroupDir(pid, 'cpu');
      expect(mem).toContain(ctd.cgroupParent);
      const read = (f: string) => (existsSync(f) ? readFileSync(f, 'utf8').trim() : `missing ${f}`);
      if (existsSync(`${mem}/memory.limit_in_bytes`)) {
        expect(read(`${mem}/memory.limit_in_bytes`)).toBe('67108864');
        expect(read(`${cpu}/cpu.cfs_quota_us`)).toBe('50000');
        expect(read(`${cpu}/cpu.cfs_period_us`)).toBe('100000');
        expect(read(`${cpu}/cpu.shares`)).toBe('512');
      } else {
        expect(read(`${mem}/memory.max`)).toBe('67108864');
        expect(read(`${cpu}/cpu.max`)).toBe('50000 100000');
      }

      // ContainerStats: what the kubelet's summary API reports
      const stats = (await cri('ContainerStats', { container_id: cid })).stats;
      expect(stats.attributes.id).toBe(cid);
      expect(stats.cpu.usage_core_nano_seconds.value).toBeGreaterThan(0);
      expect(stats.memory.working_set_bytes.value).toBeGreaterThan(0);

      // StopContainer: SIGTERM, which the container handles and exits 0 well before the grace period
      const s0 = Date.now();
      await cri('StopContainer', { container_id: cid, timeout: 20 });
      expect(Date.now() - s0).toBeLessThan(10_000);
      const done = await pods.status(cid);
      expect(done.state).toBe('CONTAINER_EXITED');
      expect(done.exit_code).toBe(0);
      expect(done.finished_at).toBeGreaterThanOrEqual(done.started_at);
      expect(alive(pid)).toBe(false);
      await waitFor('"got TERM" in the log', () => criLogLines(log).some(([, t]) => t === 'got TERM'));

      await cri('RemoveContainer', { container_id: cid });
      const gone = await pods.status(cid).catch((e) => e);
      expect(gone).toBeInstanceOf(CriError);
      expect(gone.details).toMatch(/not found|does not exist/);
      expect(pods.leftInRoot()).not.toContain(cid);

      await cri('StopPodSandbox', { pod_sandbox_id: pod.id });
      expect((await cri('PodSandboxStatus', { pod_sandbox_id: pod.id })).status.state).toBe('SANDBOX_NOTREADY');
      await cri('RemovePodSandbox', { pod_sandbox_id: pod.id });
      const items = (await cri('ListPodSandbox', { filter: { id: pod.id } })).items;
      expect(items).toEqual([]);
      expect(pods.leftInRoot()).not.toContain(pod.id);
    });
  });
});
