/**
 * A blocking D-Bus connection over a unix socket (the addon's connectUnix; reads and writes
 * with fs.readSync/writeSync): SASL EXTERNAL auth, then one method call at a time, waiting for
 * its reply (signals and other messages in between are dropped). Enough for a CLI command that
 * makes a handful of calls to systemd.
 */
import { closeSync, readSync, writeSync } from 'node:fs';
import { native } from '../../native/addon.js';
import { decodeMessage, encodeCall, messageLength, MSG_ERROR, MSG_METHOD_RETURN, type Call, type DbusValue } from './wire.js';

export class DbusError extends Error {
  constructor(readonly name: string, message: string) {
    super(message);
  }
}

export class DbusConnection {
  private serial = 0;
  private pending = Buffer.alloc(0);

  private constructor(private fd: number) {}

  /** Connect and authenticate; `hello` for a message bus (dbus-daemon), not for systemd's private socket. */
  static open(path: string, hello: boolean): DbusConnection {
    const fd = native().connectUnix(path);
    const c = new DbusConnection(fd);
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

  private fill(): void {
    const chunk = Buffer.alloc(65536);
    const n = readSync(this.fd, chunk, 0, chunk.length, null);
    if (n === 0) throw new Error('dbus: connection closed by the peer');
    this.pending = Buffer.concat([this.pending, chunk.subarray(0, n)]);
  }

  private readLine(): string {
    for (;;) {
      const i = this.pending.indexOf('\r\n');
      if (i >= 0) {
        const line = this.pending.toString('latin1', 0, i);
        this.pending = this.pending.subarray(i + 2);
        return line;
      }
      this.fill();
    }
  }

  /** Call and wait for the reply's body; an error reply is thrown as DbusError. */
  call(c: Call): DbusValue[] {
    const serial = ++this.serial;
    this.send(encodeCall(c, serial));
    for (;;) {
      let len = messageLength(this.pending);
      while (len === undefined || this.pending.length < len) {
        this.fill();
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
