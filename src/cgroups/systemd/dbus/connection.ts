/**
 * A blocking D-Bus connection over a unix socket (the addon's connectUnix; writes with
 * fs.writeSync, reads with the addon's recvFdMessage, which waits at most REPLY_TIMEOUT_MS):
 * SASL EXTERNAL auth, then one method call at a time, waiting for its reply (signals and other
 * messages in between are dropped). Enough for a CLI command that makes a handful of calls to
 * systemd; a peer that stops answering is an error, not a hang.
 *
 * A call not answered within NUDGE_MS is followed by a Peer.Ping (its reply is dropped), and so
 * on until the reply comes or the timeout is spent. Seen in the VM lane with systemd 252: when
 * BEGIN and the first call arrive in one read, sd-bus keeps the call in its buffer without
 * processing it until more data (or the hang-up) arrives on the connection; one or two `create`s
 * in ten that failed right after starting their scope waited the whole 25 s for StopUnit's reply,
 * which systemd logged only once the connection closed. New data wakes it up.
 */
import { closeSync, writeSync } from 'node:fs';
import { errnoCode } from '../../../errors.js';
import { log } from '../../../log/logger.js';
import { native } from '../../../native/addon.js';
import { decodeMessage, encodeCall, messageLength, MSG_ERROR, MSG_METHOD_RETURN, type Call, type DbusValue } from './wire.js';

export class DbusError extends Error {
  constructor(readonly name: string, message: string) {
    super(message);
  }
}

/** dbus-daemon's and libdbus's default method-call timeout. */
export const REPLY_TIMEOUT_MS = 25_000;
/** How long a reply may take before the peer is nudged with a Peer.Ping. */
export const NUDGE_MS = 500;

export class DbusConnection {
  private serial = 0;
  private pending = Buffer.alloc(0);

  private constructor(private fd: number, private readonly path: string, private readonly timeoutMs: number) {}

  /** Connect and authenticate; `hello` for a message bus (dbus-daemon), not for systemd's private socket. */
  static open(path: string, hello: boolean, timeoutMs = REPLY_TIMEOUT_MS): DbusConnection {
    const fd = native().connectUnix(path);
    const c = new DbusConnection(fd, path, timeoutMs);
    try {
      const uid = String(process.getuid!());
      c.send(Buffer.from(`\0AUTH EXTERNAL ${Buffer.from(uid).toString('hex')}\r\n`));
      const line = c.readLine();
      if (!line.startsWith('OK ')) throw new Error(`dbus: ${path}: authentication refused: ${line}`);
      c.send(Buffer.from('BEGIN\r\n'));
      if (hello) c.call({ path: '/org/freedesktop/DBus', iface: 'org.freedesktop.DBus', member: 'Hello', destination: 'org.freedesktop.DBus' });
    } catch (e) {
      c.close();
      throw e;
    }
    return c;
  }

  private send(b: Buffer): void {
    for (let off = 0; off < b.length; ) off += writeSync(this.fd, b, off, b.length - off);
  }

  /** Read what is there, waiting up to waitMs: false when nothing came in that time. */
  private fill(waitMs = this.timeoutMs): boolean {
    let got: { fd: number; data: Buffer };
    try {
      got = native().recvFdMessage(this.fd, waitMs);
    } catch (e) {
      if (errnoCode(e) === 'ETIMEDOUT') return false;
      throw e;
    }
    if (got.fd >= 0) native().closeFd(got.fd); // no fd passing was negotiated
    if (got.data.length === 0) throw new Error(`dbus: ${this.path}: connection closed by the peer`);
    this.pending = Buffer.concat([this.pending, got.data]);
    return true;
  }

  private readLine(): string {
    for (;;) {
      const i = this.pending.indexOf('\r\n');
      if (i >= 0) {
        const line = this.pending.toString('latin1', 0, i);
        this.pending = this.pending.subarray(i + 2);
        return line;
      }
      if (!this.fill()) throw new Error(`dbus: ${this.path}: no reply in ${this.timeoutMs / 1000} s`);
    }
  }

  /** Call and wait for the reply's body; an error reply is thrown as DbusError. */
  call(c: Call): DbusValue[] {
    const serial = ++this.serial;
    this.send(encodeCall(c, serial));
    const end = Date.now() + this.timeoutMs;
    let nudges = 0;
    for (;;) {
      let len = messageLength(this.pending);
      while (len === undefined || this.pending.length < len) {
        const left = end - Date.now();
        if (left <= 0) throw new Error(`dbus: ${this.path}: no reply to ${c.member} in ${this.timeoutMs / 1000} s (nudged ${nudges} times)`);
        if (!this.fill(Math.min(NUDGE_MS, left))) {
          // (--debug says so: how often a call needs it tells whether the quirk above is at play.)
          log.debug(`dbus: ${this.path}: no reply to ${c.member} after ${Date.now() - (end - this.timeoutMs)} ms: Peer.Ping`);
          nudges++;
          const ping = { destination: c.destination, path: '/', iface: 'org.freedesktop.DBus.Peer', member: 'Ping' };
          this.send(encodeCall(ping, ++this.serial));
          continue;
        }
        len = messageLength(this.pending);
      }
      const m = decodeMessage(this.pending.subarray(0, len));
      this.pending = this.pending.subarray(len);
      if (m.replySerial !== serial) continue;
      if (m.type === MSG_ERROR) throw new DbusError(m.errorName ?? 'unknown', `${m.errorName}: ${String(m.body[0] ?? '')}`);
      if (m.type === MSG_METHOD_RETURN) return m.body;
    }
  }

  close(): void {
    if (this.fd >= 0) {
      closeSync(this.fd);
      this.fd = -1;
    }
  }
}
