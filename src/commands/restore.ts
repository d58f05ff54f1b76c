import { mkdirSync, openSync, closeSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BerthError, describeErrno } from '../errors.js';
import type { Globals } from '../cli/globals.js';
import { checkId } from '../state/id.js';
import { loadBundle } from '../config/load.js';
import { ociState } from '../state/record.js';
import { native } from '../native/addon.js';
import { runHooks } from '../hooks/run.js';
import { log } from '../log/logger.js';
import { waitForwardingSignals } from '../runtime/wait.js';
import { checkCgroupsMode, checkEmptyNs, restoreArgv } from '../criu/argv.js';
import { externalMounts, joinedNetns, restoreMountArgs, restoreNetnsArgs, restoreStdioArgs } from '../criu/externals.js';
import { configMismatch, readRecord } from '../criu/image-records.js';
import { cgroupRoots } from '../criu/cgroup-roots.js';
import { criuBinary, runCriu } from '../criu/run-criu.js';
import { swrkRestore } from '../criu/swrk.js';
import { rpcConfigText, rpcRestoreOpts } from '../criu/rpc-opts.js';
import { setUpContainer } from './create.js';
import { deleteContainer } from './delete.js';
import { openCgroup } from '../cgroups/index.js';

function list(v: unknown): string[] {
  return v === undefined ? [] : (Array.isArray(v) ? v : [v]).map(String);
}

/**
 * restore (runc's): a container from a checkpoint image, into the same or a new id. It is made
 * as `create` makes one (setUpContainer: the id claimed, the cgroup made with the bundle's
 * resources, state recorded), except that its process tree comes from CRIU instead of berth's
 * init: criu restore runs in a private mount namespace of its own where the bundle's rootfs is
 * bound as its --root (no mount is left on the host), with the restored root task as berth's
 * child (--restore-sibling). A container with a terminal is restored through CRIU's RPC
 * instead (criu/swrk.ts), the only way CRIU hands back the new pty master, which goes to
 * --console-socket. Then the prestart hooks run; in the foreground berth waits, exits with the
 * container's status and deletes it (as `run`); --detach leaves it running.
 */
export default async function restore(g: Globals, a: Record<string, any>): Promise<number> {
  const id = checkId(a.id);
  if (a['lazy-pages']) throw new BerthError('restore --lazy-pages: not supported (berth drives the criu command line, not a lazy-pages daemon)');
  const manageCgroupsMode = checkCgroupsMode(a['manage-cgroups-mode']);
  const emptyNs = checkEmptyNs(list(a['empty-ns']));
  const imageDir = resolve(a['image-path'] || 'checkpoint');
  const workDir = resolve(a['work-path'] || imageDir);
  const image = readRecord(imageDir);
  const bundle = loadBundle(a.bundle);
  const mismatch = configMismatch(image.config, bundle.config);
  if (mismatch) throw new BerthError(`restore ${id}: the checkpoint in ${imageDir} is of another container: ${mismatch}`);
  const terminal = Boolean(image.config.process?.terminal);
  const consoleSocket: string | undefined = a['console-socket'] || undefined;
  if (terminal && !consoleSocket) throw new BerthError(`restore ${id}: config.json: /process/terminal: a terminal needs --console-socket (it receives the restored pty master)`);
  if (!terminal && consoleSocket) throw new BerthError(`restore ${id}: --console-socket: the checkpointed container has no terminal (config.json: /process/terminal is false)`);
  const criu = criuBinary(a.criu);
  const config = bundle.config;
  const netnsPath = joinedNetns(config);
  const detach = Boolean(a.detach);
  if (!detach && !a['no-subreaper']) native().setSubreaper();
  const { rec } = await setUpContainer(g, {
    id,
    bundle,
    config,
    pidFile: a['pid-file'],
    cgroup: openCgroup({ cgroupsPath: config.linux?.cgroupsPath, id, systemd: g.systemdCgroup }),
    verb: 'restore',
    noNewKeyring: image.noNewKeyring,
    launch: async ({ store: s, cgroup, cgroupMade, rec: r, onPid }) => {
      // CRIU puts the restored tasks in the cgroup it is given (--cgroup-root).
      if (!cgroupMade) throw new BerthError('restore needs a cgroup of its own (rootless without a delegated cgroup tree)');
      if (image.seccomp) r.seccomp = image.seccomp;
      const dir = s.dir(id);
      const root = join(dir, 'criu-root');
      const pidFile = join(dir, 'criu-restore.pid');
      mkdirSync(root);
      const stdio: (number | 'inherit')[] = ['inherit', 'inherit', 'inherit'];
      let netFd: number | undefined;
      let swrkPid: number | undefined;
      try {
        if (netnsPath) {
          try {
            netFd = openSync(netnsPath, 'r');
          } catch (e) {
            throw new BerthError(`config.json: /linux/namespaces: ${describeErrno(e)}`);
          }
          stdio.push(netFd);
        }
        const cgRoots = cgroupRoots(cgroup.record.paths, readFileSync('/proc/self/mountinfo', 'utf8'));
        // A mount namespace of criu's own (unshare -m, propagation private) holds the rootfs
        // bind CRIU restores onto; it goes when criu exits.
        const bind = 'mount --rbind -- "$0" "$1" && shift && exec "$@"';
        const wrap = ['unshare', '--mount', '--propagation', 'private', '--', 'sh', '-c', bind, bundle.rootfs, root];
        if (terminal) {
          // The console comes back through CRIU's RPC (orphan-pts-master), which the command line lacks.
          const configFile = join(dir, 'criu-rpc.conf');
          writeFileSync(configFile, rpcConfigText(workDir), { mode: 0o600 });
          const imagesDirFd = openSync(imageDir, 'r');
          try {
            swrkPid = await swrkRestore({
              argv: [...wrap, criu, 'swrk', '3'],
              opts: rpcRestoreOpts({
                imagesDirFd,
                configFile,
                logFile: 'restore.log',
                root,
                tcpEstablished: Boolean(a['tcp-established']),
                extUnixSk: Boolean(a['ext-unix-sk']),
                shellJob: Boolean(a['shell-job']),
                fileLocks: Boolean(a['file-locks']),
                manageCgroupsMode,
                emptyNs,
                autoDedup: Boolean(a['auto-dedup']),
                lsmProfile: a['lsm-profile'] || undefined,
                lsmMountContext: a['lsm-mount-context'] || undefined,
                cgroupRoots: cgRoots,
                mounts: externalMounts(config, bundle.dir),
                // criu's fd 3 is the RPC socket; the netns fd comes next.
                ...(netFd === undefined ? {} : { netnsFd: 4 }),
                descriptors: image.descriptors ?? [],
              }),
              extraFds: netFd === undefined ? [] : [netFd],
              consoleSocket,
              logPath: join(workDir, 'restore.log'),
            });
          } finally {
            closeSync(imagesDirFd);
            rmSync(configFile, { force: true });
          }
        } else {
          const argv = restoreArgv({
            imageDir,
            workDir,
            logFile: 'restore.log',
            root,
            pidFile,
            tcpEstablished: Boolean(a['tcp-established']),
            extUnixSk: Boolean(a['ext-unix-sk']),
            shellJob: Boolean(a['shell-job']),
            fileLocks: Boolean(a['file-locks']),
            manageCgroupsMode,
            emptyNs,
            autoDedup: Boolean(a['auto-dedup']),
            lsmProfile: a['lsm-profile'] || undefined,
            lsmMountContext: a['lsm-mount-context'] || undefined,
            cgroupRoots: cgRoots,
            externals: [
              ...restoreMountArgs(externalMounts(config, bundle.dir)),
              ...restoreNetnsArgs(netFd === undefined ? undefined : 3),
              ...restoreStdioArgs(image.descriptors ?? []),
            ],
          });
          runCriu([...wrap, criu, ...argv], 'restore', join(workDir, 'restore.log'), stdio);
        }
      } finally {
        if (netFd !== undefined) closeSync(netFd);
        rmdirSync(root);
      }
      let pid: number;
      try {
        pid = swrkPid ?? Number(readFileSync(pidFile, 'utf8').trim());
        rmSync(pidFile, { force: true });
      } catch (e) {
        throw new BerthError(`criu restore left no pid: ${describeErrno(e)}`);
      }
      if (!(pid > 0)) throw new BerthError(`criu restore left no pid in ${pidFile}`);
      onPid(pid);
      // Where CRIU did not put the root task in the container's cgroup (--manage-cgroups=ignore), berth does.
      for (const procs of cgroup.procsFiles()) {
        try {
          const cur = readFileSync(procs, 'utf8').split('\n');
          if (!cur.includes(String(pid))) writeFileSync(procs, String(pid));
        } catch {
          // a controller the kernel lacks
        }
      }
      return pid;
    },
  });
  try {
    // runc runs them when CRIU has made the namespaces; here the process already runs.
    runHooks(config.hooks?.prestart, 'prestart', ociState(rec, 'running'));
  } catch (e) {
    await deleteContainer(g, id, true).catch(() => undefined);
    throw new BerthError(`restore ${id}: ${(e as Error).message} (the container was stopped)`);
  }
  if (detach) return 0;
  const code = await waitForwardingSignals(rec.pid);
  try {
    await deleteContainer(g, id, true);
  } catch (e) {
    log.warn(`delete ${id}: ${(e as Error).message}`);
  }
  return code;
}
