import { writeSync } from 'node:fs';
import { BerthError, describeErrno } from '../errors.js';
import { native } from '../native/addon.js';
import { criuFailure } from './log-error.js';
import { decodeResp, encodeNotifyAck, encodeRestoreReq, ReqType, type CriuResp, type RpcRestoreOpts } from './rpc-proto.js';

/**
 * A restore through CRIU's RPC (`criu swrk 3`, as runc does it): the one way berth restores, as
 * only the RPC stops at CRIU's moments for berth (the hooks) and hands back the restored
 * console. criu gets one end of a SOCK_SEQPACKET socketpair as its fd 3 (and the given fds as 4,
 * 5, ...); berth sends one criu_req RESTORE and answers each criu_resp NOTIFY with
 * notify_success; at "setup-namespaces" (the restored tree exists in its namespaces and runs
 * nothing yet) onSetupNamespaces runs first, with the root task's pid; at "orphan-pts-master"
 * (orphan_pts_master set) the message carries the new pty master (SCM_RIGHTS), which goes to
 * the console socket. A notify berth cannot answer well is not answered: our end closes, CRIU
 * aborts the restore and kills the tree. The final RESTORE resp says whether it worked and the
 * restored root task's pid.
 */

/** How long one answer from criu may take (a restore in an emulated VM is slow). */
const REPLY_TIMEOUT_MS = 10 * 60_000;

export interface SwrkRestore {
  /** The command to run criu with: it must end in `criu swrk 3` and exec it (a wrapper may come first). */
  argv: string[];
  opts: RpcRestoreOpts;
  /** fds criu gets as 4, 5, ... (the opts' inherit_fd entries name them so). */
  extraFds: number[];
  /** The console socket that receives the restored pty master. */
  consoleSocket?: string;
  logPath: string;
  /** Runs at "setup-namespaces" before it is answered; a throw fails the restore with its error. */
  onSetupNamespaces?: (pid: number) => void;
}

/** The pty master to the console socket, as create's init sends one (runc names it so). */
function sendConsole(path: string, master: number): void {
  const n = native();
  let sock: number;
  try {
    sock = n.connectUnix(path);
  } catch (e) {
    throw new BerthError(`--console-socket ${path}: ${describeErrno(e)}`);
  }
  try {
    n.sendFdMessage(sock, master, 'orphan-pts-master');
  } catch (e) {
    throw new BerthError(`--console-socket ${path}: ${describeErrno(e)}`);
  } finally {
    n.closeFd(sock);
  }
}

/** Runs the restore; returns the restored root task's pid (berth's child: rst_sibling). */
export async function swrkRestore(o: SwrkRestore): Promise<number> {
  const { spawn } = process.getBuiltinModule('node:child_process') as typeof import('node:child_process');
  const n = native();
  const [ours, theirs] = n.socketPair();
  let child: import('node:child_process').ChildProcess;
  let exited: Promise<number | null>;
  try {
    child = spawn(o.argv[0]!, o.argv.slice(1), { stdio: ['inherit', 'inherit', 'inherit', theirs, ...o.extraFds] });
    exited = new Promise((res) => {
      child.once('exit', (code) => res(code));
      child.once('error', () => res(null));
    });
  } catch (e) {
    n.closeFd(ours);
    throw new BerthError(`criu restore: ${o.argv[0]}: ${describeErrno(e)}`);
  } finally {
    n.closeFd(theirs);
  }
  if (child.pid === undefined) {
    n.closeFd(ours);
    await exited;
    throw new BerthError(`criu restore: cannot run ${o.argv[0]}`);
  }
  // Our end closed, criu (at EOF) exits; one that does not answer is killed.
  const fail = async (why?: string, kill = false, own?: Error): Promise<never> => {
    n.closeFd(ours);
    if (kill && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    const code = await exited;
    throw own ?? criuFailure('restore', o.logPath, code, why ?? '');
  };
  let done: CriuResp | undefined;
  try {
    writeSync(ours, encodeRestoreReq(o.opts));
    while (!done) {
      let got: { fd: number; data: Buffer };
      try {
        got = n.recvFdMessage(ours, REPLY_TIMEOUT_MS);
      } catch (e) {
        return await fail(`criu swrk: ${describeErrno(e)}`, true);
      }
      if (got.data.length === 0) {
        if (got.fd >= 0) n.closeFd(got.fd);
        return await fail(); // criu exited without an answer: its log says why
      }
      let resp: CriuResp;
      try {
        resp = decodeResp(got.data);
      } catch (e) {
        if (got.fd >= 0) n.closeFd(got.fd);
        return await fail(`criu swrk: a reply that is not a criu_resp (${(e as Error).message})`, true);
      }
      if (resp.type === ReqType.NOTIFY && resp.success) {
        let refused: string | undefined;
        if (resp.notifyScript === 'setup-namespaces' && o.onSetupNamespaces) {
          try {
            if (!(resp.notifyPid! > 0)) throw new BerthError('criu swrk: setup-namespaces came without a pid');
            o.onSetupNamespaces(resp.notifyPid!);
          } catch (e) {
            if (got.fd >= 0) n.closeFd(got.fd);
            // criu, unanswered, kills the restored tree and exits; then the hook's error is the one.
            return await fail(undefined, false, e instanceof BerthError ? e : new BerthError(String((e as Error).message ?? e)));
          }
        }
        if (resp.notifyScript === 'orphan-pts-master') {
          if (got.fd < 0) refused = 'criu swrk: orphan-pts-master came without an fd';
          else if (o.consoleSocket) {
            try {
              sendConsole(o.consoleSocket, got.fd);
            } catch (e) {
              refused = (e as Error).message;
            }
          }
        }
        if (got.fd >= 0) n.closeFd(got.fd);
        if (refused) return await fail(refused);
        writeSync(ours, encodeNotifyAck());
        continue;
      }
      if (got.fd >= 0) n.closeFd(got.fd);
      done = resp;
    }
  } catch (e) {
    if (e instanceof BerthError) throw e;
    return await fail(`criu swrk: ${describeErrno(e)}`, true);
  }
  if (done.type !== ReqType.RESTORE || !done.success || !(done.restoredPid! > 0)) {
    return await fail(done.crErrmsg ?? (done.crErrno ? `cr_errno ${done.crErrno}` : undefined));
  }
  n.closeFd(ours);
  await exited;
  return done.restoredPid!;
}
