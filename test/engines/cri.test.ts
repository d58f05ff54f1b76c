// Kubernetes' view: a private containerd 1.6 with its CRI plugin on, driven over CRI runtime.v1
// the way a kubelet drives it (helpers/cri-client.ts, helpers/cri.proto), with runtime_handler
// = runc and = berth side by side: every scenario must give the same result for both handlers.
// Pods are on the lane's node network (containerd's own netns; one pod has a netns of its own and
// a CNI bridge); the sandbox image is built here from busybox-static.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { readFileSync, readdirSync, readlinkSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { BERTH } from '../helpers/bundle.js';
import { CNI_BRIDGE, CNI_CACHE, CRI_PROGRAMS, CriUnavailable, PrivateCriContainerd } from './helpers/cri.js';
import { CriError } from './helpers/cri-client.js';
import { cgroupDir, criLogLines, Pods } from './helpers/cri-pods.js';
import { leftovers } from './helpers/cri-leftovers.js';
import { median, pidsRunning, until } from './helpers/cri-wait.js';
import { alive, announceSkip, mountsUnder, run, runtimes, waitFor, whyNot, type Runtime } from './helpers/env.js';

// Whether containerd's CRI plugin can run here is found out while the file is collected (a
// private instance started and stopped again), so that the lane can skip with the reason; the
// instance the tests use is started in beforeAll, so that a run whose filter leaves no test of
// this file (no hooks run) leaves no daemon behind.
let why = whyNot(CRI_PROGRAMS);
if (!why) {
  const probe = new PrivateCriContainerd(runtimes());
  try {
    await probe.start();
  } catch (e) {
    if (!(e instanceof CriUnavailable)) throw e;
    why = e.message;
  } finally {
    await probe.stop();
  }
}
announceSkip('cri', why);
const haveBridge = existsSync(CNI_BRIDGE);
if (!why && !haveBridge) console.log(`engines: cri lane: the pod-network test skipped: no ${CNI_BRIDGE} (Debian containernetworking-plugins)`);

const text = (b: Buffer | Uint8Array) => Buffer.from(b).toString('utf8');
const timings: { handler: string; start: number; exec: number }[] = [];

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
      const call = cri('ExecSync', { container_id: cid, cmd: ['/bin/sleep', '37'], timeout: 1 }).catch((e) => e);
      await waitFor('the exec to run', () => pidsRunning('/bin/sleep\x0037\x00').length === 1, 5_000);
      const err = await call;
      expect(err).toBeInstanceOf(CriError);
      expect(err.details).toMatch(/timeout 1s exceeded/);
      expect(Date.now() - t0).toBeLessThan(10_000);
      await waitFor('the timed-out exec to be gone', () => pidsRunning('/bin/sleep\x0037\x00').length === 0);

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

    it('StopContainer: SIGTERM ignored, SIGKILL after the grace period (exit 137)', async () => {
      const pod = await pods.runPod('stop');
      // sleep as the container's pid 1 has no handler for SIGTERM, so the kernel ignores it
      const cid = await pods.create(pod, 'stubborn', ['/bin/sleep', '3600']);
      await cri('StartContainer', { container_id: cid });
      const pid = await pods.pid(cid);
      const t0 = Date.now();
      await cri('StopContainer', { container_id: cid, timeout: 2 });
      const took = Date.now() - t0;
      expect(took).toBeGreaterThanOrEqual(1900);
      expect(took).toBeLessThan(12_000);
      const st = await pods.status(cid);
      expect(st.state).toBe('CONTAINER_EXITED');
      expect(st.exit_code).toBe(137);
      expect(alive(pid)).toBe(false);
      expect(await pods.removePod(pod)).toEqual([]);
      expect(pods.leftInRoot()).not.toContain(cid);
    });

    it('two containers in one pod share its pid namespace (NamespaceOption.pid = POD)', async () => {
      const pod = await pods.runPod('shared-pid', { pid: 'POD' });
      const a = await pods.create(pod, 'a', ['/bin/sleep', '1001']);
      const b = await pods.create(pod, 'b', ['/bin/sleep', '1002']);
      await cri('StartContainer', { container_id: a });
      await cri('StartContainer', { container_id: b });
      const [pa, pb] = [await pods.pid(a), await pods.pid(b)];
      expect(readlinkSync(`/proc/${pa}/ns/pid`)).toBe(readlinkSync(`/proc/${pb}/ns/pid`));
      // from b: the pod's pause process is pid 1 and a's sleep is there too
      const ps = await cri('ExecSync', { container_id: b, cmd: ['/bin/sh', '-c', 'cat /proc/1/cmdline | tr "\\0" " "; echo; ps -o args'], timeout: 10 });
      expect(ps.exit_code).toBe(0);
      const out = text(ps.stdout);
      expect(out.split('\n')[0]).toBe('/bin/sleep 2147483647 ');
      expect(out).toContain('sleep 1001');
      expect(out).toContain('sleep 1002');
      // a pod without pid = POD: its container is pid 1 of its own namespace
      const solo = await pods.runPod('own-pid');
      const c = await pods.create(solo, 'c', ['/bin/sleep', '1003']);
      await cri('StartContainer', { container_id: c });
      const one = await cri('ExecSync', { container_id: c, cmd: ['/bin/sh', '-c', 'cat /proc/1/cmdline | tr "\\0" " "; ps -o args | grep -c "sleep 100[12]"'], timeout: 10 });
      expect(text(one.stdout)).toBe('/bin/sleep 1003 0\n');
      expect(await pods.removePod(pod)).toEqual([]);
      expect(await pods.removePod(solo)).toEqual([]);
      expect(alive(pa) || alive(pb)).toBe(false);
    });

    it('a container that exits non-zero: EXITED with its exit code, output in the log', async () => {
      const pod = await pods.runPod('exit');
      const cid = await pods.create(pod, 'fails', ['/bin/sh', '-c', 'echo going down; exit 42']);
      await cri('StartContainer', { container_id: cid });
      await until('the container to exit', async () => (await pods.status(cid)).state === 'CONTAINER_EXITED');
      const st = await pods.status(cid);
      expect(st.exit_code).toBe(42);
      expect(st.reason).toBe('Error');
      expect(criLogLines(pods.logFile(pod, 'fails'))).toEqual([['stdout', 'going down']]);
      expect(await pods.removePod(pod)).toEqual([]);
    });

    it('a command that does not exist: StartContainer fails with the error, no task is left', async () => {
      const pod = await pods.runPod('enoent');
      const cid = await pods.create(pod, 'missing', ['/bin/no-such-program']);
      const err = await cri('StartContainer', { container_id: cid }).catch((e) => e);
      expect(err).toBeInstanceOf(CriError);
      expect(err.details).toMatch(/OCI runtime create failed: .*\/bin\/no-such-program.*no such file or directory/);
      const st = await pods.status(cid);
      expect(st.state).toBe('CONTAINER_EXITED');
      expect(st.reason).toBe('StartError');
      expect(st.message).toContain('/bin/no-such-program');
      expect(pods.leftInRoot()).not.toContain(cid);
      // the pod is still fine: another container starts in it
      const ok = await pods.create(pod, 'present', ['/bin/sleep', '60']);
      await cri('StartContainer', { container_id: ok });
      expect((await pods.status(ok)).state).toBe('CONTAINER_RUNNING');
      await cri('RemoveContainer', { container_id: cid });
      expect(await pods.removePod(pod)).toEqual([]);
    });

    it('restarts: the same container created again in the same sandbox (attempts 1, 2), each its own log', async () => {
      const pod = await pods.runPod('restart');
      const sandboxPid = JSON.parse(pods.runtimeState(pod.id).stdout).pid;
      const ids: string[] = [];
      for (const attempt of [0, 1, 2]) {
        const cid = await pods.create(pod, 'job', ['/bin/sh', '-c', `echo attempt ${attempt}; exit ${attempt + 1}`], { attempt });
        await cri('StartContainer', { container_id: cid });
        await until('the container to exit', async () => (await pods.status(cid)).state === 'CONTAINER_EXITED');
        expect((await pods.status(cid)).exit_code).toBe(attempt + 1);
        expect(criLogLines(pods.logFile(pod, 'job', attempt))).toEqual([['stdout', `attempt ${attempt}`]]);
        ids.push(cid);
        // the kubelet keeps the last dead instance and removes older ones
        if (attempt > 0) await cri('RemoveContainer', { container_id: ids[attempt - 1] });
      }
      const listed = (await cri('ListContainers', { filter: { pod_sandbox_id: pod.id } })).containers;
      expect(listed.map((c: { id: string; metadata: { attempt: number } }) => [c.id, c.metadata.attempt])).toEqual([[ids[2], 2]]);
      // the sandbox lived through it all
      expect((await cri('PodSandboxStatus', { pod_sandbox_id: pod.id })).status.state).toBe('SANDBOX_READY');
      expect(JSON.parse(pods.runtimeState(pod.id).stdout).pid).toBe(sandboxPid);
      expect(await pods.removePod(pod)).toEqual([]);
    });

    it('ListContainers and ListPodSandbox filters: id, state, sandbox, labels', async () => {
      const tag = { filters: rt.name };
      const p1 = await pods.runPod('f1', { labels: { ...tag, tier: 'web' } });
      const p2 = await pods.runPod('f2', { labels: { ...tag, tier: 'db' } });
      const c1 = await pods.create(p1, 'run', ['/bin/sleep', '300'], { labels: { role: 'server' } });
      const c2 = await pods.create(p1, 'done', ['/bin/true'], { labels: { role: 'oneshot' } });
      const c3 = await pods.create(p2, 'made', ['/bin/sleep', '300'], { labels: { role: 'server' } });
      await cri('StartContainer', { container_id: c1 });
      await cri('StartContainer', { container_id: c2 });
      await until('the one-shot to exit', async () => (await pods.status(c2)).state === 'CONTAINER_EXITED');
      const ids = async (filter: Record<string, unknown>) =>
        ((await cri('ListContainers', { filter })).containers as { id: string }[]).map((c) => c.id).sort();
      expect(await ids({ pod_sandbox_id: p1.id })).toEqual([c1, c2].sort());
      expect(await ids({ id: c3 })).toEqual([c3]);
      expect(await ids({ pod_sandbox_id: p1.id, state: { state: 'CONTAINER_RUNNING' } })).toEqual([c1]);
      expect(await ids({ pod_sandbox_id: p1.id, state: { state: 'CONTAINER_EXITED' } })).toEqual([c2]);
      expect(await ids({ pod_sandbox_id: p2.id, state: { state: 'CONTAINER_CREATED' } })).toEqual([c3]);
      expect(await ids({ label_selector: { role: 'server' }, pod_sandbox_id: p2.id })).toEqual([c3]);
      const servers = await ids({ label_selector: { role: 'server' } });
      expect(servers).toEqual(expect.arrayContaining([c1, c3]));
      expect(servers).not.toContain(c2);

      const pids = async (filter: Record<string, unknown>) =>
        ((await cri('ListPodSandbox', { filter })).items as { id: string }[]).map((p) => p.id).sort();
      expect(await pids({ label_selector: tag })).toEqual([p1.id, p2.id].sort());
      expect(await pids({ label_selector: { ...tag, tier: 'db' } })).toEqual([p2.id]);
      expect(await pids({ id: p1.id })).toEqual([p1.id]);
      expect(await pids({ label_selector: tag, state: { state: 'SANDBOX_READY' } })).toEqual([p1.id, p2.id].sort());
      await cri('StopPodSandbox', { pod_sandbox_id: p2.id });
      expect(await pids({ label_selector: tag, state: { state: 'SANDBOX_NOTREADY' } })).toEqual([p2.id]);
      expect(await pids({ label_selector: tag, state: { state: 'SANDBOX_READY' } })).toEqual([p1.id]);
      const items = (await cri('ListPodSandbox', { filter: { id: p1.id } })).items;
      expect(items[0].runtime_handler).toBe(rt.name);
      expect(items[0].labels.tier).toBe('web');
      expect(await pods.removePod(p1)).toEqual([]);
      expect(await pods.removePod(p2)).toEqual([]);
    });

    it.skipIf(!haveBridge)('a pod with its own network namespace (CNI bridge in the node netns): address, lo, released on removal', async () => {
      const pod = await pods.runPod('netns', { network: 'POD' });
      const ps = (await cri('PodSandboxStatus', { pod_sandbox_id: pod.id })).status;
      expect(ps.network.ip).toMatch(/^10\.213\.7\.\d+$/);
      expect(readdirSync(join(ctd.ipamDir, 'berth-cri'))).toContain(ps.network.ip);
      const cid = await pods.create(pod, 'web', ['/bin/sleep', '300']);
      await cri('StartContainer', { container_id: cid });
      const pid = await pods.pid(cid);
      expect(readlinkSync(`/proc/${pid}/ns/net`)).not.toBe(readlinkSync(`/proc/${ctd.daemonPid}/ns/net`));
      expect(readlinkSync(`/proc/${pid}/ns/net`)).not.toBe(readlinkSync('/proc/self/ns/net'));
      const r = await cri('ExecSync', { container_id: cid, cmd: ['/bin/sh', '-c', 'cat /sys/class/net/lo/operstate /sys/class/net/eth0/operstate; grep -c "$0" /proc/net/fib_trie', ps.network.ip], timeout: 10 });
      expect(text(r.stderr)).toBe('');
      expect(text(r.stdout)).toMatch(/^unknown\nup\n[1-9]\d*\n$/);
      expect(await pods.removePod(pod)).toEqual([]);
      // the address is released and the netns mount is gone with the pod
      expect(readdirSync(join(ctd.ipamDir, 'berth-cri'))).not.toContain(ps.network.ip);
      expect(mountsUnder(join(ctd.dir, 'state'))).toEqual([]);
      const cached = join(CNI_CACHE, 'results');
      expect(existsSync(cached) ? readdirSync(cached).filter((f) => f.includes(pod.id)) : []).toEqual([]);
    });

    it('20 pods created and removed in a loop: nothing left behind', async () => {
      const before = leftovers(ctd, rt);
      for (let i = 0; i < 20; i++) {
        const pod = await pods.runPod(`loop-${i}`);
        const cid = await pods.create(pod, 'c', ['/bin/sh', '-c', 'echo hi; sleep 300']);
        await cri('StartContainer', { container_id: cid });
        if (i === 0) {
          // the check can fail: a running pod shows in every place looked at
          const during = leftovers(ctd, rt);
          expect(during.runtimeState).toEqual(expect.arrayContaining([pod.id, cid]));
          expect(during.tasks).toEqual(expect.arrayContaining([pod.id, cid]));
          expect(during.containerCgroups.length).toBeGreaterThanOrEqual(2);
          expect(during.processes.length).toBeGreaterThanOrEqual(3);
          expect(during.mounts.length).toBeGreaterThanOrEqual(2);
        }
        await cri('StopContainer', { container_id: cid, timeout: 0 });
        await cri('RemoveContainer', { container_id: cid });
        expect(await pods.removePod(pod)).toEqual([]);
      }
      expect(leftovers(ctd, rt)).toEqual(before);
    }, 180_000);

    it('timings: RunPodSandbox + CreateContainer + StartContainer, ExecSync', async () => {
      const starts: number[] = [];
      const execs: number[] = [];
      for (let i = 0; i < 10; i++) {
        const t0 = performance.now();
        const pod = await pods.runPod(`timing-${i}`);
        const cid = await pods.create(pod, 'c', ['/bin/sleep', '300']);
        await cri('StartContainer', { container_id: cid });
        starts.push(performance.now() - t0);
        const t1 = performance.now();
        const r = await cri('ExecSync', { container_id: cid, cmd: ['/bin/true'], timeout: 10 });
        execs.push(performance.now() - t1);
        expect(r.exit_code).toBe(0);
        expect(await pods.removePod(pod)).toEqual([]);
      }
      timings.push({ handler: rt.name, start: median(starts), exec: median(execs) });
    }, 120_000);
  });

  it("the lane's config.toml is what containerd reads: README's berth runtime, and runc beside it", () => {
    const r = run('containerd', ['--config', join(ctd.dir, 'config.toml'), 'config', 'dump']);
    expect(r.status, r.stderr).toBe(0);
    for (const rt of runtimes()) {
      const head = `[plugins."io.containerd.grpc.v1.cri".containerd.runtimes.${rt.name}]`;
      const section = r.stdout.slice(r.stdout.indexOf(head), r.stdout.indexOf(head) + 1500);
      expect(section).toMatch(/^\s*runtime_type = "io\.containerd\.runc\.v2"$/m);
      expect(section).toContain(`BinaryName = "${rt.path}"`);
    }
    expect(r.stdout).toContain(`BinaryName = "${BERTH}"`);
  });

  it('nothing is left behind: pods, containers, runtime state, container cgroups, processes', async () => {
    expect((await ctd.cri.call('ListPodSandbox', {})).items).toEqual([]);
    expect((await ctd.cri.call('ListContainers', {})).containers).toEqual([]);
    for (const rt of runtimes()) expect(leftovers(ctd, rt)).toEqual({ runtimeState: [], tasks: [], containerCgroups: [], processes: [], mounts: [] });
  });

  it('timings (printed, not asserted)', () => {
    for (const t of timings) {
      console.log(`cri timings ${t.handler}: RunPodSandbox+CreateContainer+StartContainer median ${t.start.toFixed(1)} ms, ExecSync median ${t.exec.toFixed(1)} ms`);
    }
    const [runc, berth] = [timings.find((t) => t.handler === 'runc'), timings.find((t) => t.handler === 'berth')];
    if (runc && berth) console.log(`cri timings berth/runc: start ${(berth.start / runc.start).toFixed(2)}x, ExecSync ${(berth.exec / runc.exec).toFixed(2)}x`);
  });
});
