// The "tmpcopyup" mount option (issue 21; runc's and crun's extension): a tmpfs that starts with
// a copy of what the rootfs had at its destination (modes, owners, symlink targets, times), whose
// writes stay in the tmpfs. A destination missing from the rootfs is made, with nothing to copy.
import { describe, it, expect, afterEach } from 'vitest';
import { chmodSync, chownSync, existsSync, lchownSync, mkdirSync, readdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { berth, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../helpers/bundle.js';
import { expectRefusedEverywhere } from '../helpers/leaks.js';

const run = isRoot() && haveBuild() ? describe : describe.skip;
const T = 1_000_000_000; // a fixed mtime (2001-09-09), to see that times are copied

run('tmpcopyup', () => {
  let b: TestBundle | undefined;
  afterEach(() => b?.cleanup());

  it('the tmpfs shows the rootfs\'s files, dirs and symlinks with their modes and owners; writes stay in it', () => {
    const script = [
      'stat -c "%n %a %u:%g %F %Y" /data /data/f /data/sub /data/sub/inner /data/link',
      'readlink /data/link; readlink /data/abs',
      'cat /data/f /data/sub/inner',
      'grep " /data " /proc/self/mountinfo | grep -c tmpfs',
      'echo changed > /data/f && echo added > /data/added && cat /data/f',
    ].join('; ');
    b = makeBundle(['sh', '-c', script], (c) => {
      c.mounts.push({ destination: '/data', type: 'tmpfs', source: 'tmpfs', options: ['tmpcopyup', 'size=1m', 'nosuid'] });
      // The owner of the files (the default capabilities do not override file modes).
      c.process.user = { uid: 1000, gid: 1000 };
    });
    const data = join(b.rootfs, 'data');
    mkdirSync(join(data, 'sub'), { recursive: true });
    writeFileSync(join(data, 'f'), 'image\n');
    writeFileSync(join(data, 'sub', 'inner'), 'deep\n');
    symlinkSync('f', join(data, 'link'));
    symlinkSync('/etc/passwd', join(data, 'abs'));
    chmodSync(join(data, 'f'), 0o640);
    chmodSync(join(data, 'sub'), 0o750);
    chmodSync(join(data, 'sub', 'inner'), 0o600);
    chmodSync(data, 0o711);
    for (const p of ['f', 'sub', 'sub/inner', '.']) chownSync(join(data, p), 1000, 1000);
    lchownSync(join(data, 'link'), 1000, 1000);
    utimesSync(join(data, 'f'), T, T);
    utimesSync(join(data, 'sub'), T, T);
    const id = uniqueId();
    const r = berth(b, ['run', '--bundle', b.dir, id]);
    expect(r.status, r.stderr).toBe(0);
    const lines = r.stdout.split('\n');
    expect(lines.slice(0, 5)).toEqual([
      expect.stringMatching(/^\/data 711 1000:1000 directory \d+$/),
      `/data/f 640 1000:1000 regular file ${T}`,
      `/data/sub 750 1000:1000 directory ${T}`,
      expect.stringMatching(/^\/data\/sub\/inner 600 1000:1000 regular file \d+$/),
      expect.stringMatching(/^\/data\/link 777 1000:1000 symbolic link \d+$/),
    ]);
    expect(lines.slice(5)).toEqual(['f', '/etc/passwd', 'image', 'deep', '1', 'changed', '']);
    // The rootfs on the host is as it was.
    expect(readFileSync(join(data, 'f'), 'utf8')).toBe('image\n');
    expect(existsSync(join(data, 'added'))).toBe(false);
    expect(readdirSync(data).sort()).toEqual(['abs', 'f', 'link', 'sub']);
  });

  it('a destination the rootfs does not have is made, and the tmpfs starts empty', () => {
    b = makeBundle(['sh', '-c', 'ls -A /fresh/deeper | wc -l; grep " /fresh/deeper " /proc/self/mountinfo | grep -c tmpfs'], (c) => {
      c.mounts.push({ destination: '/fresh/deeper', type: 'tmpfs', source: 'tmpfs', options: ['tmpcopyup'] });
    });
    const r = berth(b, ['run', '--bundle', b.dir, uniqueId()]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('0\n1\n');
    expect(readdirSync(join(b.rootfs, 'fresh', 'deeper'))).toEqual([]);
  });

  it('tmpcopyup on a mount that is not a tmpfs is refused naming the mount; nothing is left', () => {
    b = makeBundle(['true'], (c) => {
      c.mounts.push({ destination: '/data', type: 'bind', source: '/etc', options: ['rbind', 'tmpcopyup'] });
    });
    expectRefusedEverywhere(b, new RegExp(`^config\\.json: /mounts/${b.config.mounts.length - 1}/options: tmpcopyup needs a tmpfs mount \\(type "tmpfs"\\), not "bind"$`, 'm'));
  });
});
