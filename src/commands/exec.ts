import { existsSync, readFileSync } from 'node:fs';
import { writePidFile } from '../state/pid-file.js';
import { BerthError, describeErrno } from '../errors.js';
import type { Globals } from '../cli/globals.js';
import { Store } from '../state/store.js';
import { statusOf } from '../state/status.js';
import { withLock } from '../state/lock.js';
import { execPlan } from '../plan/exec.js';
import { InitError, runInit } from '../runtime/init-session.js';
import { waitForwardingSignals } from '../runtime/wait.js';
import { reopenCgroup } from '../cgroups/index.js';
import { execCgroup } from '../cgroups/exec-cgroup.js';
import { movePid } from '../cgroups/move-pid.js';
import { parseSubCgroups, withSubCgroups } from '../cgroups/exec-sub-cgroup.js';
import { ConsoleProxy } from '../runtime/console-proxy.js';
import { PidfdSocket } from '../runtime/pidfd-socket.js';
import { native } from '../native/addon.js';
import { validateProcess } from '../validate/config.js';
import { checkLsm, probeLsm } from '../host/lsm.js';
import { log } from '../log/logger.js';
import { grantableCapabilities, runtimeBounding } from '../host/capabilities.js';
import { CAPABILITIES } from '../plan/capabilities.js';
import { buildSeccomp } from '../seccomp/build.js';
import { storedSeccompOp } from '../seccomp/plan.js';
import { handOffListener } from '../seccomp/notify.js';
import { ociState } from '../state/record.js';
import { readDocument } from '../config/read-document.js';
import { onlineNumaNodes } from '../host/numa.js';
import { decodeUtf8Strict, parseStrict } from '../config/strict-json.js';
import type { ContainerRecord, Status } from '../state/record.js';
import type { CgroupRecord } from '../cgroups/index.js';
import type { PlanOp } from '../plan/ops.js';
import { joinRdt } from '../intelrdt/group.js';
import { StepClock } from '../log/timing.js';

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The process to run: --process FILE, or the container's process with the command line's changes (runc). */
export function execProcess(a: Record<string, any>, containerProcess: any): any {
  if (a.process) {
    let doc: any;
    try {
      doc = parseStrict(a.process === '-' ? decodeUtf8Strict(readFileSync(0)) : readDocument(a.process, { pipes: true }));
    } catch (e) {
      throw new BerthError(`exec --process ${a.process}: ${e instanceof SyntaxError ? `invalid JSON: ${e.message}` : describeErrno(e)}`);
    }
    const { errors } = validateProcess(doc, { file: 'process.json' });
    if (errors.length > 0) throw new BerthError(errors[0]!);
    if (!doc.capabilities && containerProcess?.capabilities) doc.capabilities = containerProcess.capabilities;
    return doc;
  }
  const args: string[] = [...(a.command ?? []), ...(a['--'] ?? [])].map(String);
  if (args.length === 0) throw new BerthError('exec: a command to run is required (or --process FILE)');
  const p: any = structuredClone(containerProcess ?? {});
  // config.json's execCPUAffinity is every exec's default (plan/cpu-affinity.ts), named as config.json's.
  delete p.execCPUAffinity;
  p.args = args;
  p.terminal = Boolean(a.tty);
  if (a.cwd) p.cwd = a.cwd;
  if (a.env) p.env = [...(p.env ?? []), ...list<string>(a.env)];
  if (a.user) {
    const [uid, gid] = String(a.user).split(':');
    if (!/^\d+$/.test(uid ?? '') || (gid !== undefined && !/^\d+$/.test(gid))) throw new BerthError(`exec --user ${a.user}: must be uid[:gid] (numbers)`);
    p.user = { ...(p.user ?? {}), uid: Number(uid), gid: gid === undefined ? 0 : Number(gid) };
  }
  if (a['additional-gids']) p.user = { ...(p.user ?? { uid: 0, gid: 0 }), additionalGids: list<number>(a['additional-gids']) };
  if (a.cap) {
    for (const c of list<string>(a.cap)) {
      const name = c.toUpperCase().startsWith('CAP_') ? c.toUpperCase() : `CAP_${c.toUpperCase()}`;
      if (!CAPABILITIES.includes(name)) throw new BerthError(`exec --cap ${c}: unknown capability`);
      p.capabilities ??= {};
      // Never inheritable or ambient: a cap there survives every later execve of an
      // unprivileged program (CVE-2022-29162; runc adds --cap to these three sets only).
      for (const set of ['bounding', 'effective', 'permitted']) {
        p.capabilities[set] = [...new Set([...(p.capabilities[set] ?? []), name])];
      }
    }
  }
  if (a['no-new-privs']) p.noNewPrivileges = true;
  if (a.apparmor) p.apparmorProfile = a.apparmor;
  if (a['process-label']) p.selinuxLabel = a['process-label'];
  return p;
}

/**
 * exec (runc): a new process in a created, running (or, with --ignore-paused, paused) container.
 * Every failure of berth's own exits 255 (runc's code), so the caller can tell it from the
 * program's own exit status.
 */
export default async function exec(g: Globals, a: Record<string, any>): Promise<number> {
  if (a['dry-run']) return (await import('./dry-run.js')).dryRunExec(g, a);
  const clock = new StepClock(`exec ${a.id}`);
  let started: Started;
  try {
    started = await startExec(g, a, clock);
  } catch (e) {
    throw e instanceof BerthError ? new BerthError(e.message, 255) : new BerthError(`internal error: ${(e as Error)?.message ?? String(e)}`, 255);
  }
  if (a.detach) return 0;
  try {
    clock.mark('after the execve: pid file, terminal');
    return await waitForwardingSignals(started.pid);
  } finally {
    clock.mark('wait for the process to exit');
    await started.proxy?.finish();
    clock.total();
  }
}

interface Started {
  pid: number;
  proxy?: ConsoleProxy & { finish(): Promise<void> };
}

async function startExec(g: Globals, a: Record<string, any>, clock: StepClock): Promise<Started> {
  const store = new Store(g.root);
  const id: string = a.id;
  // Under the container's lock until the process runs: a `delete` racing this exec then either
  // finds the new process in the cgroup (and kills it with the rest) or is done before, and
  // this exec finds no container. Without it an exec joining between delete's kill and its
  // rmdir would keep the cgroup and live on. Not into a paused container (--ignore-paused): the
  // process runs only once `resume`, which takes the lock, thaws it; delete --force kills what
  // the frozen cgroup holds, this process with it.
  if (a['ignore-paused'] && (await statusOf(store, store.load(id))) === 'paused') return startExecProcess(store, id, a, clock);
  return withLock(store, id, () => {
    clock.mark('lock the container');
    return startExecProcess(store, id, a, clock);
  });
}

/** A rootless container's user namespace may deny setgroups (its gid map written without newgidmap). */
function setgroupsDenied(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/setgroups`, 'utf8').trim() === 'deny';
  } catch {
    return false;
  }
}

/** What exec decided before it starts anything (prepareExec). */
export interface PreparedExec {
  rec: ContainerRecord;
  status: Status;
  /** The process as it runs (ungrantable capabilities dropped). */
  process: any;
  cgroup?: CgroupRecord;
  /**
   * The plan, for a console socket given (or the proxy's, once made). berth-init joins the
   * cgroup (or is born in it) before it clones the process; joinByRuntime: the runtime moves the
   * cloned process in instead, the second try of an exec whose fork the pids limit refused.
   */
  plan(consoleSocket: string | undefined, joinByRuntime?: boolean): PlanOp[];
}

/**
 * The first half of exec, shared with `exec --dry-run`: check the container's status, build and
 * validate the process, choose the cgroup and build the plan. Touches nothing.
 */
export async function prepareExec(store: Store, id: string, a: Record<string, any>): Promise<PreparedExec> {
  const rec = store.load(id);
  const status = await statusOf(store, rec);
  if (status === 'stopped') throw new BerthError(`cannot exec in a stopped container`);
  if (status === 'paused' && !a['ignore-paused']) throw new BerthError(`cannot exec in a paused container (use --ignore-paused)`);
  const proc = execProcess(a, rec.config.process);
  checkLsm(proc, 'process.json', probeLsm());
  const granted = grantableCapabilities(proc, 'process.json', runtimeBounding());
  for (const w of granted.warnings) log.warn(w);
  if (proc.terminal && !a['console-socket'] && a.detach) throw new BerthError('exec: cannot allocate a tty with --detach without --console-socket');
  const subs = parseSubCgroups(list<string>(a.cgroup));
  if (subs.size > 0 && !rec.cgroup) throw new BerthError(`exec --cgroup: container ${id} has no cgroup of its own`);
  // The container's cgroup (or a sub-cgroup of it given with --cgroup), or the init's inside it
  // once the container made its own an inner node.
  const cgroup = !rec.cgroup ? undefined : subs.size > 0 ? withSubCgroups(rec.cgroup, subs) : execCgroup(rec.cgroup, rec.pid);
  if (subs.size > 0) {
    // runc's words for a sub-cgroup that is not there (the kernel's ENOENT on cgroup.procs).
    for (const f of reopenCgroup(cgroup!).procsFiles()) if (!existsSync(f)) throw new BerthError(`exec --cgroup: adding pid to ${f}: no such file or directory`);
  }
  if (subs.size === 0 && cgroup !== rec.cgroup) log.debug(`exec: ${rec.cgroup!.paths['']} has controllers enabled for its children: the process joins the init's cgroup ${cgroup!.paths['']}`);
  // The program create compiled (state.json); a record without one (older berth) compiles again.
  const seccomp = rec.seccomp ? storedSeccompOp(rec.seccomp) : buildSeccomp(rec.config.linux?.seccomp, 'config.json')?.op;
  const plan = (consoleSocket: string | undefined, byRuntime = false) => execPlan({
    initPid: rec.pid,
    namespaces: rec.namespaces,
    cgroupProcs: cgroup ? reopenCgroup(cgroup).procsFiles() : [],
    joinByRuntime: byRuntime,
    process: granted.process,
    linux: rec.config.linux,
    consoleSocket,
    preserveFds: a['preserve-fds'] ?? 0,
    keyringOf: rec.noNewKeyring ? undefined : rec.id,
    seccomp: seccomp ? { ...seccomp, from: '/linux/seccomp' } : undefined,
    setgroupsDenied: setgroupsDenied(rec.pid),
    configAffinity: rec.config.process?.execCPUAffinity,
    onlineNodes: rec.config.linux?.memoryPolicy ? onlineNumaNodes() : undefined,
  });
  return { rec, status, process: granted.process, cgroup, plan };
}

async function startExecProcess(store: Store, id: string, a: Record<string, any>, clock: StepClock): Promise<Started> {
  const { rec, status, process: proc, cgroup, plan } = await prepareExec(store, id, a);
  clock.mark(`state, status, process validation, plan${rec.seccomp ? ' (the seccomp program create compiled)' : ''}`);
  // A terminal with nobody to hand it to: berth proxies it itself (foreground only, as runc).
  const proxy = proc.terminal && !a['console-socket'] ? withFinish(new ConsoleProxy()) : undefined;
  const socket = a['console-socket'] ?? proxy?.socketPath;
  let pidfdSocket: PidfdSocket | undefined;
  let session;
  try {
    // Before the process exists: a socket nobody listens on fails exec with nothing started.
    if (a['pidfd-socket']) pidfdSocket = PidfdSocket.connect(a['pidfd-socket']);
    const start = (byRuntime: boolean) => runInit(plan(socket, byRuntime), a['preserve-fds'] ?? 0, {
      what: `exec ${id}`,
      joinCgroup: (pid: number) => movePid(reopenCgroup(cgroup!).procsFiles(), pid),
      // The container's resctrl groups (linux.intelRdt) take the exec'd process too, as runc's.
      ...(rec.intelRdt ? { onPid: (pid: number) => joinRdt(rec.intelRdt!, pid) } : {}),
      // As runc: every exec process gets its own filter and listener, handed to the agent too.
      onSeccomp: (fd, pid) => handOffListener(rec.config.linux.seccomp, fd, pid, ociState(rec, status)),
    }, cgroup);
    try {
      session = start(false);
    } catch (e) {
      // The cgroup is at its pids limit (the fork into it refused): again, moved in by the
      // runtime. Not with a terminal: its console socket took the first try's connection.
      if (!cgroup || proc.terminal || !forkRefused(e)) throw e;
      log.debug(`exec ${id}: ${(e as Error).message}: the cgroup is at its pids limit; again, moved into it by the runtime`);
      session = start(true);
    }
  } catch (e) {
    proxy?.close();
    pidfdSocket?.close();
    throw e instanceof BerthError ? new BerthError(`exec ${id}: ${e.message}`) : e;
  }
  if (pidfdSocket) {
    try {
      pidfdSocket.send(session.pid, 'setns');
    } catch (e) {
      await killAndReap(session.pid);
      proxy?.close();
      throw new BerthError(`exec ${id}: ${(e as Error).message}`);
    }
  }
  if (a['pid-file']) {
    try {
      writePidFile(a['pid-file'], session.pid);
    } catch (e) {
      // Nobody could find the process to manage it: it must not run (runc kills it too).
      await killAndReap(session.pid);
      proxy?.close();
      throw new BerthError(`exec ${id}: --pid-file ${a['pid-file']}: ${describeErrno(e)}`);
    }
  }
  proxy?.attach();
  clock.mark('berth-init from fork to the execve (its stages above)');
  return { pid: session.pid, proxy };
}

const EAGAIN = 11;

/** The fork into the cgroup was refused (EAGAIN: the pids limit, at berth-init's birth or its clone). */
function forkRefused(e: unknown): boolean {
  return e instanceof InitError && e.errno === EAGAIN && (e.op === 'spawn' || e.op === 'CLONE');
}

async function killAndReap(pid: number): Promise<void> {
  try {
    native().signalPid(pid, 9);
    await native().waitPidAsync(pid);
  } catch {
    // already gone
  }
}

function withFinish(p: ConsoleProxy): ConsoleProxy & { finish(): Promise<void> } {
  return Object.assign(p, {
    async finish(): Promise<void> {
      // Let the last output drain, then stop copying (as run).
      await new Promise((r) => setTimeout(r, 20));
      p.closeMaster();
      p.close();
    },
  });
}
