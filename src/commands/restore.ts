import { mkdirSync, openSync, closeSync, readFileSync, rmdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { BerthError, describeErrno } from '../errors.js';
import type { Globals } from '../cli/globals.js';
import { checkId } from '../state/id.js';
import { loadBundle } from '../config/load.js';
import { ociState } from '../state/record.js';
import { native } from '../native/addon.js';
import { runHooks, runHooksWarnOnly } from '../hooks/run.js';
import { log } from '../log/logger.js';
import { waitForwardingSignals } from '../runtime/wait.js';
import { checkCgroupsMode, checkEmptyNs } from '../criu/argv.js';
import { externalMounts, joinedNetns } from '../criu/externals.js';
import { configMismatch, readRecord } from '../criu/image-records.js';
import { cgroupRoots } from '../criu/cgroup-roots.js';
import { criuBinary } from '../criu/run-criu.js';
import { swrkRestore } from '../criu/swrk.js';
import { criuConfigFile, withContainerConfig } from '../criu/config-file.js';
import { rpcConfigText, rpcRestoreOpts } from '../criu/rpc-opts.js';
import { setUpContainer } from './create.js';
import { planRdt } from '../intelrdt/group.js';
import { resctrlMount } from '../intelrdt/resctrl.js';
import { deleteContainer } from './delete.js';
import { openCgroup } from '../cgroups/index.js';

function list(v: unknown): string[] {
  return v === undefined ? [] : (Array.isArray(v) ? v : [v]).map(String);
}

/**
 * restore (runc's): a container from a checkpoint image, into the same or a new id. It is made
 * as `create` makes one (setUpContainer: the id claimed, the cgroup made with the bundle's
 * resources, state recorded), except that its process tree comes from CRIU instead of berth's
 * init. Every restore goes through CRIU's RPC (criu/swrk.ts: `criu swrk`, as runc drives it),
 * run in a private mount namespace of criu's own where the bundle's rootfs is bound as its root
 * (no mount is left on the host), the restored root task berth's child (rst_sibling). At CRIU's
 * "setup-namespaces" notify (the tree exists in its namespaces, nothing of it runs yet) the
 * prestart and createRuntime hooks run, as runc runs them; one that fails answers no notify,
 * CRIU aborts and kills the tree, and the restore fails as create does. A terminal's new pty
 * master comes at "orphan-pts-master" and goes to --console-socket. In the foreground berth
 * waits, exits with the container's status and deletes it (as `run`); --detach leaves it
 * running.
 */
export default async function restore(g: Globals, a: Record<string, any>): Promise<number> {
  const id = checkId(a.id);
  if (a['lazy-pages']) throw new BerthError('restore --lazy-pages: not supported (berth drives criu swrk without a lazy-pages daemon)');
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
  // As runc: the restored root task joins the container's resctrl group.
  const rdt = config.linux?.intelRdt ? planRdt(config.linux.intelRdt, id, resctrlMount()) : undefined;
  const detach = Boolean(a.detach);
  if (!detach && !a['no-subreaper']) native().setSubreaper();
  let hookState: object | undefined = undefined as object | undefined;
  const { rec } = await setUpContainer(g, {
    id,
    bundle,
    config,
    pidFile: a['pid-file'],
    cgroup: openCgroup({ cgroupsPath: config.linux?.cgroupsPath, id, systemd: g.systemdCgroup, annotations: config.annotations }),
    ...(rdt ? { rdt } : {}),
    verb: 'restore',
    noNewKeyring: image.noNewKeyring,
    launch: async ({ store: s, cgroup, cgroupMade, rec: r, onPid }) => {
      // CRIU puts the restored tasks in the cgroup it is given (cg_root).
      if (!cgroupMade) throw new BerthError('restore needs a cgroup of its own (rootless without a delegated cgroup tree)');
      if (image.seccomp) r.seccomp = image.seccomp;
      const dir = s.dir(id);
      const root = join(dir, 'criu-root');
      mkdirSync(root);
      let netFd: number | undefined;
      let pid = 0;
      try {
        if (netnsPath) {
          try {
            netFd = openSync(netnsPath, 'r');
          } catch (e) {
            throw new BerthError(`config.json: /linux/namespaces: ${describeErrno(e)}`);
          }
        }
        const cgRoots = cgroupRoots(cgroup.record.paths, readFileSync('/proc/self/mountinfo', 'utf8'));
        // A mount namespace of criu's own (unshare -m, propagation private) holds the rootfs
        // bind CRIU restores onto; it goes when criu exits.
        const bind = 'mount --rbind -- "$0" "$1" && shift && exec "$@"';
        const wrap = ['unshare', '--mount', '--propagation', 'private', '--', 'sh', '-c', bind, bundle.rootfs, root];
        const configFile = join(dir, 'criu-rpc.conf');
        writeFileSync(configFile, withContainerConfig(rpcConfigText(workDir), criuConfigFile(config.annotations)), { mode: 0o600 });
        const imagesDirFd = openSync(imageDir, 'r');
        try {
          pid = await swrkRestore({
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
            // The restored tree is in its namespaces and runs nothing yet (as runc: prestart,
            // then createRuntime, with the state runc gives then: stopped, the notify's pid).
            onSetupNamespaces: (p) => {
              // ociState gives a stopped container pid 0; here the pid is the restored task's.
              const state = { ...ociState(r, 'stopped'), pid: p };
              hookState = state;
              runHooks(config.hooks?.prestart, 'prestart', state);
              runHooks(config.hooks?.createRuntime, 'createRuntime', state);
            },
          });
        } finally {
          closeSync(imagesDirFd);
          rmSync(configFile, { force: true });
        }
      } finally {
        if (netFd !== undefined) closeSync(netFd);
        rmdirSync(root);
      }
      if (!(pid > 0)) throw new BerthError('criu restore gave no pid');
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
    // A failure once the hooks began (one of them among them) "continue[s] the lifecycle at
    // step 12", as create's: the container is destroyed, then the poststop hooks run.
    onFailed: () => {
      if (hookState) runHooksWarnOnly(config.hooks?.poststop, 'poststop', { ...hookState, status: 'stopped', pid: 0 });
    },
  });
  if (detach) return 0;
  const code = await waitForwardingSignals(rec.pid);
  try {
    await deleteContainer(g, id, true);
  } catch (e) {
    log.warn(`delete ${id}: ${(e as Error).message}`);
  }
  return code;
}
