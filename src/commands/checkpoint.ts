import { existsSync, mkdirSync, readlinkSync, statSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import { BerthError, describeErrno } from '../errors.js';
import type { Globals } from '../cli/globals.js';
import { Store } from '../state/store.js';
import { withLock } from '../state/lock.js';
import { statusOf } from '../state/status.js';
import { isSameLiveProcess } from '../state/proc.js';
import { checkCgroupsMode, checkEmptyNs, dumpArgv } from '../criu/argv.js';
import { dumpMountArgs, dumpNetnsArgs, externalMounts, joinedNetns } from '../criu/externals.js';
import { removeRecord, writeRecord } from '../criu/image-records.js';
import { criuBinary, runCriu } from '../criu/run-criu.js';
import { criuConfigFile, dumpConfigEnv } from '../criu/config-file.js';
import { destroy } from './delete.js';

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

function list(v: unknown): string[] {
  return v === undefined ? [] : (Array.isArray(v) ? v : [v]).map(String);
}

/**
 * checkpoint (runc's): CRIU dumps the running (or paused) container's process tree into --image-path,
 * berth's records beside it. Without --leave-running (or with --pre-dump) the container is
 * then gone, as with runc: CRIU ends its processes and berth removes it (poststop hooks, cgroup,
 * state). A failed dump leaves the container running as it was.
 */
export default async function checkpoint(g: Globals, a: Record<string, any>): Promise<number> {
  const id: string = a.id;
  if (a['lazy-pages']) throw new BerthError('checkpoint --lazy-pages: not supported (berth drives the criu command line, not a lazy-pages daemon)');
  if (a['status-fd'] !== undefined) throw new BerthError('checkpoint --status-fd: not supported (it goes with --lazy-pages)');
  const manageCgroupsMode = checkCgroupsMode(a['manage-cgroups-mode']);
  const emptyNs = checkEmptyNs(list(a['empty-ns']));
  const criu = criuBinary(a.criu);
  const store = new Store(g.root);
  if (!store.exists(id)) throw store.rootNotDir() ?? new BerthError(`container ${id} does not exist`);
  await withLock(store, id, async () => {
    const rec = store.load(id);
    const status = await statusOf(store, rec);
    // Paused too (containerd's shim pauses the task first): CRIU dumps the frozen cgroup and
    // leaves it frozen with --leave-running, as with runc.
    if (status !== 'running' && status !== 'paused') throw new BerthError(`cannot checkpoint container ${id} that is ${status}`);
    const imageDir = resolve(a['image-path'] || 'checkpoint');
    const workDir = resolve(a['work-path'] || imageDir);
    // CRIU takes the parent relative to the image dir and fails vaguely without it (runc checks too).
    const parentPath: string | undefined = a['parent-path'] || undefined;
    if (parentPath !== undefined) {
      if (isAbsolute(parentPath)) throw new BerthError(`checkpoint ${id}: --parent-path ${parentPath}: must be relative to the image path`);
      if (!existsSync(join(imageDir, parentPath))) throw new BerthError(`checkpoint ${id}: --parent-path ${parentPath}: no such directory (relative to --image-path ${imageDir})`);
    }
    // A terminal's master is outside the tree (the engine holds it): the slave is dumped
    // unpaired, which CRIU allows with --shell-job (runc's orphan_pts_master, an RPC-only
    // option, allows it the same way); the restore gets a new master (commands/restore.ts).
    const terminal = Boolean(rec.config.process?.terminal);
    const netnsPath = joinedNetns(rec.config);
    try {
      mkdirSync(imageDir, { recursive: true, mode: 0o700 });
      mkdirSync(workDir, { recursive: true, mode: 0o700 });
    } catch (e) {
      throw new BerthError(`checkpoint ${id}: --image-path ${imageDir}: ${describeErrno(e)}`);
    }
    const descriptors = [0, 1, 2].map((fd) => {
      try {
        return readlinkSync(`/proc/${rec.pid}/fd/${fd}`);
      } catch {
        return '';
      }
    });
    writeRecord(imageDir, {
      berthCheckpoint: 1,
      id,
      bundle: rec.bundle,
      rootfs: rec.rootfs,
      config: rec.config,
      ...(rec.cgroup ? { cgroup: rec.cgroup } : {}),
      ...(rec.seccomp ? { seccomp: rec.seccomp } : {}),
      ...(rec.noNewKeyring ? { noNewKeyring: true } : {}),
      descriptors,
    });
    const preDump = Boolean(a['pre-dump']);
    const logFile = preDump ? 'pre-dump.log' : 'dump.log';
    const freezer = rec.cgroup ? (rec.cgroup.paths[''] ?? rec.cgroup.paths.freezer) : undefined;
    const argv = dumpArgv({
      pid: rec.pid,
      imageDir,
      workDir,
      logFile,
      parentPath,
      leaveRunning: Boolean(a['leave-running']),
      preDump,
      tcpEstablished: Boolean(a['tcp-established']),
      tcpSkipInFlight: Boolean(a['tcp-skip-in-flight']),
      linkRemap: Boolean(a['link-remap']),
      extUnixSk: Boolean(a['ext-unix-sk']),
      shellJob: Boolean(a['shell-job']) || terminal,
      fileLocks: Boolean(a['file-locks']),
      pageServer: a['page-server'] || undefined,
      manageCgroupsMode,
      emptyNs,
      autoDedup: Boolean(a['auto-dedup']),
      freezeCgroup: freezer,
      externals: [...dumpMountArgs(externalMounts(rec.config, rec.bundle)), ...dumpNetnsArgs(netnsPath ? statSync(netnsPath).ino : undefined)],
    });
    try {
      runCriu([criu, ...argv], preDump ? 'pre-dump' : 'dump', join(workDir, logFile), dumpConfigEnv(criuConfigFile(rec.config.annotations), process.env));
    } catch (e) {
      removeRecord(imageDir);
      throw e instanceof BerthError ? new BerthError(`checkpoint ${id}: ${e.message}`) : e;
    }
    if (preDump || a['leave-running']) return;
    // CRIU killed the tree after dumping it; the container is gone, as runc leaves it.
    for (let i = 0; i < 500 && isSameLiveProcess(rec.pid, rec.initStartTime); i++) await sleep(i < 20 ? 1 : 10);
    await destroy(store, rec);
  });
  return 0;
}
