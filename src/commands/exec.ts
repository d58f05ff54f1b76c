import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import { BerthError, describeErrno } from '../errors.js';
import type { Globals } from '../cli/globals.js';
import { Store } from '../state/store.js';
import { statusOf } from '../state/status.js';
import { withLock } from '../state/lock.js';
import { execPlan } from '../plan/exec.js';
import { runInit } from '../runtime/init-session.js';
import { waitForwardingSignals } from '../runtime/wait.js';
import { reopenCgroup } from '../cgroups/index.js';
import { execCgroup } from '../cgroups/exec-cgroup.js';
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

const list = <T>(v: T | T[] | undefined): T[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The process to run: --process FILE, or the container's process with the command line's changes (runc). */
export function execProcess(a: Record<string, any>, containerProcess: any): any {
  if (a.process) {
    let doc: any;
    try {
      doc = JSON.parse(a.process === '-' ? readFileSync(0, 'utf8') : readDocument(a.process));
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

/** exec (runc): a new process in a created, running (or, with --ignore-paused, paused) container. */
export default async function exec(g: Globals, a: Record<string, any>): Promise<number> {
  const store = new Store(g.root);
  const id: string = a.id;
  // Under the container's lock until the process runs: a `delete` racing this exec then either
  // finds the new process in the cgroup (and kills it with the rest) or is done before, and
  // this exec finds no container. Without it an exec joining between delete's kill and its
  // rmdir would keep the cgroup and live on.
  const pid = await withLock(store, id, () => startExecProcess(store, id, a));
  if (a.detach) return 0;
  return waitForwardingSignals(pid);
}

async function startExecProcess(store: Store, id: string, a: Record<string, any>): Promise<number> {
  const rec = store.load(id);
  const status = await statusOf(store, rec);
  if (status === 'stopped') throw new BerthError(`cannot exec in a stopped container`);
  if (status === 'paused' && !a['ignore-paused']) throw new BerthError(`cannot exec in a paused container (use --ignore-paused)`);
  const proc = execProcess(a, rec.config.process);
  checkLsm(proc, 'process.json', probeLsm());
  const granted = grantableCapabilities(proc, 'process.json', runtimeBounding());
  for (const w of granted.warnings) log.warn(w);
  if (proc.terminal && !a['console-socket']) throw new BerthError('exec: a terminal needs --console-socket');
  // The container's cgroup, or the init's inside it once the container made its own an inner node.
  const cgroup = rec.cgroup ? execCgroup(rec.cgroup, rec.pid) : undefined;
  if (cgroup !== rec.cgroup) log.debug(`exec: ${rec.cgroup!.paths['']} has controllers enabled for its children: the process joins the init's cgroup ${cgroup!.paths['']}`);
  const ops = execPlan({
    initPid: rec.pid,
    namespaces: rec.namespaces,
    cgroupProcs: cgroup ? reopenCgroup(cgroup).procsFiles() : [],
    process: granted.process,
    linux: rec.config.linux,
    consoleSocket: a['console-socket'],
    preserveFds: a['preserve-fds'] ?? 0,
    keyringOf: rec.noNewKeyring ? undefined : rec.id,
    // The program create compiled (state.json); a record without one (older berth) compiles again.
    seccomp: rec.seccomp ? storedSeccompOp(rec.seccomp) : buildSeccomp(rec.config.linux?.seccomp, 'config.json')?.op,
  });
  let session;
  try {
    session = runInit(ops, a['preserve-fds'] ?? 0, {
      // As runc: every exec process gets its own filter and listener, handed to the agent too.
      onSeccomp: (fd, pid) => handOffListener(rec.config.linux.seccomp, fd, pid, ociState(rec, status)),
    }, cgroup);
  } catch (e) {
    throw e instanceof BerthError ? new BerthError(`exec ${id}: ${e.message}`) : e;
  }
  if (a['pid-file']) {
    const tmp = `${a['pid-file']}.berth-${process.pid}`;
    writeFileSync(tmp, String(session.pid));
    renameSync(tmp, a['pid-file']);
  }
  return session.pid;
}
