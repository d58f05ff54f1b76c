import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface WaitStatus {
  code: number | null;
  signal: number | null;
}

/** The N-API addon (addon/src/*.cc). Errors carry errno, code, syscall and path. */
export interface Native {
  spawnInit(initPath: string, plan: Buffer, preserveFds: number): { pid: number; syncFd: number };
  syncRecv(fd: number, timeoutMs: number): string | null;
  syncSend(fd: number, msg: string): void;
  closeFd(fd: number): void;
  socketPair(): [number, number];
  waitPid(pid: number): WaitStatus;
  waitPidAsync(pid: number): Promise<WaitStatus>;
  signalPid(pid: number, signal: number): void;
  setSubreaper(): void;
  lockFile(path: string, wait: boolean): number;
  startContainer(path: string, timeoutMs: number): void;
  connectUnix(path: string): number;
  listenUnix(path: string): number;
  acceptFd(fd: number, timeoutMs: number): number;
  recvFd(fd: number, timeoutMs: number): number;
}

let loaded: Native | undefined;

/** The addon, loaded on first use (dist/native/berth.node beside this file). */
export function native(): Native {
  loaded ??= createRequire(import.meta.url)('./berth.node') as Native;
  return loaded;
}

/** Absolute path of the berth-init executable built beside the addon. */
export function initPath(): string {
  return fileURLToPath(new URL('./berth-init', import.meta.url));
}
