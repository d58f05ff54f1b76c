import { mkdtempSync, rmSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tty from 'node:tty';
import { native } from '../native/addon.js';
import { stdout } from '../cli/output.js';

/**
 * `run` in the foreground with process.terminal and no --console-socket (runc's behaviour):
 * berth receives the pty master itself and copies between it and its own stdio.
 */
export class ConsoleProxy {
  readonly socketPath: string;
  private readonly dir: string;
  private listenFd: number;
  private master = -1;
  private rawSet = false;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'berth-console-'));
    this.socketPath = join(this.dir, 'console.sock');
    this.listenFd = native().listenUnix(this.socketPath);
  }

  /** After create: take the master the init sent, and start copying. */
  attach(): void {
    const conn = native().acceptFd(this.listenFd, 10_000);
    try {
      this.master = native().recvFd(conn, 10_000);
    } finally {
      native().closeFd(conn);
    }
    const out = new tty.ReadStream(this.master);
    out.on('data', (d: Buffer) => stdout(d));
    out.on('error', () => undefined); // EIO once the container side closes
    if (process.stdin.isTTY) {
      process.stdin.setRawMode(true);
      this.rawSet = true;
    }
    process.stdin.on('data', (d: Buffer) => {
      try {
        writeSync(this.master, d);
      } catch {
        // container gone
      }
    });
    process.stdin.resume();
  }

  close(): void {
    if (this.rawSet) process.stdin.setRawMode(false);
    process.stdin.pause();
    process.stdin.unref?.();
    if (this.listenFd >= 0) native().closeFd(this.listenFd);
    this.listenFd = -1;
    rmSync(this.dir, { recursive: true, force: true });
  }

  closeMaster(): void {
    if (this.master >= 0) {
      try {
        closeSync(this.master);
      } catch {
        // closed by the stream
      }
      this.master = -1;
    }
  }
}
