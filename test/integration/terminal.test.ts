import { describe, it, expect, afterEach } from 'vitest';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { readPty } from '../helpers/pty.js';
import { berth, haveBuild, isRoot, makeBundle, uniqueId, REPO, type TestBundle } from '../helpers/bundle.js';

const run = isRoot() && haveBuild() ? describe : describe.skip;

run('terminals', () => {
  let b: TestBundle;
  afterEach(() => b?.cleanup());

  it('run with process.terminal and no console socket proxies the pty (runc behaviour)', () => {
    b = makeBundle(['sh', '-c', 'tty; echo hi'], (c) => (c.process.terminal = true));
    const r = berth(b, ['run', '--bundle', b.dir, uniqueId()]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('/dev/pts/0\r\nhi\r\n');
  });

  it('the terminal belongs to the process user (its group the devpts gid), as runc: run and exec -t', () => {
    b = makeBundle(['sh', '-c', 'stat -c %u:%g $(tty)'], (c) => {
      c.process.terminal = true;
      c.process.user = { uid: 1000, gid: 100 };
    });
    const r = berth(b, ['run', '--bundle', b.dir, uniqueId()]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('1000:5\r\n');
    b.config.process = { ...b.config.process, terminal: false, user: { uid: 0, gid: 0 }, args: ['sleep', '30'] };
    b.write();
    const id = uniqueId();
    expect(berth(b, ['run', '-d', '--bundle', b.dir, id]).status).toBe(0);
    const e = berth(b, ['exec', '-t', '--user', '1000:100', id, 'sh', '-c', 'stat -c %u:%g $(tty)']);
    expect(e.status, e.stderr).toBe(0);
    expect(e.stdout).toBe('1000:5\r\n');
  });

  it('create --console-socket sends the pty master; the container sees a terminal of the given size', () => {
    const native = createRequire(import.meta.url)(join(REPO, 'dist/native/berth.node'));
    b = makeBundle(['sh', '-c', 'tty; stty size'], (c) => {
      c.process.terminal = true;
      c.process.consoleSize = { height: 30, width: 100 };
    });
    const sock = join(b.dir, 'console.sock');
    const listen = native.listenUnix(sock);
    const id = uniqueId();
    try {
      const c = berth(b, ['create', '--bundle', b.dir, '--console-socket', sock, id]);
      expect(c.status, c.stderr).toBe(0);
      const conn = native.acceptFd(listen, 5000);
      const master = native.recvFd(conn, 5000);
      native.closeFd(conn);
      expect(berth(b, ['start', id]).status).toBe(0);
      const out = readPty(master, '100');
      expect(out).toBe('/dev/pts/0\r\n30 100\r\n');
    } finally {
      native.closeFd(listen);
    }
  });
});
