/**
 * systemd socket activation (sd_listen_fds(3)): when berth itself was started with LISTEN_FDS
 * and LISTEN_PID naming this process, fds 3..3+N-1 are listening sockets meant for the
 * container. runc passes them on before any --preserve-fds and tells the process with
 * LISTEN_FDS=N and LISTEN_PID=1 (the container's init is pid 1 in its pid namespace); berth
 * does the same. Pure: the environment and pid come in.
 */
export interface ListenFds {
  /** How many fds, from 3, are activation sockets (0: none). */
  count: number;
  /** Environment entries for the container process. */
  env: string[];
}

export function listenFds(env: NodeJS.ProcessEnv, pid: number): ListenFds {
  const none = { count: 0, env: [] };
  if (env.LISTEN_PID === undefined || Number(env.LISTEN_PID) !== pid) return none;
  const text = env.LISTEN_FDS ?? '';
  if (!/^\d+$/.test(text)) return none;
  const count = Number(text);
  if (count === 0) return none;
  return { count, env: [`LISTEN_FDS=${count}`, 'LISTEN_PID=1'] };
}

/** The container process with the activation variables (replacing any it had). */
export function withListenEnv(process: any, lf: ListenFds): any {
  if (lf.count === 0) return process;
  const keep = (process.env ?? []).filter((e: string) => !e.startsWith('LISTEN_FDS=') && !e.startsWith('LISTEN_PID='));
  return { ...process, env: [...keep, ...lf.env] };
}
