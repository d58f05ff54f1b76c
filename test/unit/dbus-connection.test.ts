// The blocking D-Bus client (src/cgroups/systemd/dbus/connection.ts) against a peer in another process
// that behaves as systemd 252's sd-bus did in the VM lane: after BEGIN, a call that arrived in
// the same read is not answered until more data comes in on the connection. The client must get
// its reply (by nudging with Peer.Ping), not time out. No root; needs the built addon.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DbusConnection } from '../../src/cgroups/systemd/dbus/connection.js';
import { distFile } from '../../src/dist-path.js';

const haveAddon = (() => {
  try {
    return existsSync(distFile('native/berth.node'));
  } catch {
    return false;
  }
})();

// The peer: SASL OK, then answers the first call (serial 1, an empty method return) only once a
// second message has arrived; with QUICK=1 it answers at once.
const PEER = `
const net = require('net');
const sock = process.argv[1];
const quick = process.argv[2] === '1';
const reply = Buffer.from('6c020001' + '00000000' + '01000000' + '08000000' + '05017500' + '01000000', 'hex');
const msgLen = (b) => (b.length < 16 ? -1 : 16 + Math.ceil(b.readUInt32LE(12) / 8) * 8 + b.readUInt32LE(4));
net.createServer((c) => {
  let authed = false, begun = false, answered = false, buf = Buffer.alloc(0);
  c.on('data', (d) => {
    buf = Buffer.concat([buf, d]);
    if (!authed) {
      const i = buf.indexOf('\\r\\n');
      if (i < 0) return;
      authed = true;
      buf = buf.subarray(i + 2);
      c.write('OK 0123456789abcdef0123456789abcdef\\r\\n');
    }
    if (!begun) {
      if (buf.length < 7) return;
      begun = true;
      buf = buf.subarray(7); // BEGIN\\r\\n
    }
    const len = msgLen(buf);
    if (answered || len < 0 || buf.length < len) return;
    // Held until more than the first call has come in (unless quick).
    if (quick || buf.length > len) { answered = true; c.write(reply); }
  });
}).listen(sock, () => process.stdout.write('ready\\n'));
`;

describe.skipIf(!haveAddon)('dbus connection', () => {
  let peer: ChildProcess | undefined;
  let dir: string | undefined;
  afterEach(() => {
    peer?.kill('SIGKILL');
    peer = undefined;
    if (dir) rmSync(dir, { recursive: true, force: true });
    dir = undefined;
  });

  async function startPeer(quick: boolean): Promise<string> {
    dir = mkdtempSync(join(tmpdir(), 'berth-dbus-'));
    const sock = join(dir, 'bus');
    peer = spawn(process.execPath, ['-e', PEER, sock, quick ? '1' : '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      peer!.stdout!.once('data', () => resolve());
      peer!.once('exit', (code) => reject(new Error(`peer exited ${code}`)));
    });
    return sock;
  }

  // quick: the peer answers at once; held: it holds the first call until more data comes in
  // (sd-bus after BEGIN), which the client must wake with a Peer.Ping instead of timing out.
  it.each([['answers at once', true], ['holds the first call until more data comes (sd-bus after BEGIN)', false]])(
    'gets the reply of a peer that %s',
    async (_what, quick) => {
      const c = DbusConnection.open(await startPeer(quick as boolean), false, 3_000);
      try {
        expect(c.call({ path: '/', iface: 'x.y', member: 'Z' })).toEqual([]);
      } finally {
        c.close();
      }
    },
  );
});
