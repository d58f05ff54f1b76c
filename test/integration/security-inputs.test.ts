import { describe, it, expect, afterEach } from 'vitest';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { BERTH, berth, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../helpers/bundle.js';
import { cgroupDirsNamed } from '../helpers/leaks.js';

const run = isRoot() && haveBuild() ? describe : describe.skip;

// Large or malformed inputs: a clear error or a working container; never a hang, a crash or
// something left behind.
run('large and malformed inputs', () => {
  let b: TestBundle;
  afterEach(() => b?.cleanup());

  function nothingLeft(): void {
    expect(existsSync(b.root) ? readdirSync(b.root) : []).toEqual([]);
    expect(cgroupDirsNamed(b.config.linux.cgroupsPath.split('/').pop())).toEqual([]);
  }

  it('a config.json of 50 MB (annotations) makes a working container', () => {
    b = makeBundle(['echo', 'big-ok'], (c) => {
      c.annotations = {};
      const value = 'v'.repeat(1000);
      for (let i = 0; i < 50_000; i++) c.annotations[`org.example.k${i}`] = value;
    });
    const size = readFileSync(join(b.dir, 'config.json')).length;
    expect(size).toBeGreaterThan(50_000_000);
    const id = uniqueId();
    const r = berth(b, ['run', '--bundle', b.dir, id], { timeout: 120_000 });
    expect(r.signal, 'no hang').toBeNull();
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe('big-ok\n');
    nothingLeft();
  }, 180_000);

  for (const [what, edit] of [
    ['an arg', (c: any) => { c.process.args = ['echo', 'a\u0000b']; }],
    ['an env entry', (c: any) => { c.process.env.push('EVIL=a\u0000LD_PRELOAD=/x'); }],
    ['a hook arg', (c: any) => { c.hooks = { createRuntime: [{ path: '/bin/true', args: ['true', 'x\u0000y'] }] }; }],
  ] as const) {
    it(`a NUL in ${what} is refused before anything is made`, () => {
      b = makeBundle(['true'], edit);
      const r = berth(b, ['run', '--bundle', b.dir, uniqueId()]);
      expect(r.status).toBe(1);
      expect(r.stderr).toMatch(/must not contain a NUL character/);
      nothingLeft();
    });
  }

  it('invalid UTF-8 in args or env is refused naming the byte offset, before anything is made', () => {
    b = makeBundle(['sh', '-c', 'echo "$1|$X"', 'sh', 'ARGMARK'], (c) => {
      c.process.env.push('X=ENVMARK');
    });
    const text = readFileSync(join(b.dir, 'config.json'), 'latin1');
    for (const [mark, bad] of [['ARGMARK', 'a\xff\xfeb'], ['ENVMARK', 'c\xc3(d']]) {
      const at = Buffer.from(text, 'latin1').indexOf(mark!) + 1;
      writeFileSync(join(b.dir, 'config.json'), Buffer.from(text.replace(mark!, bad!), 'latin1'));
      const r = berth(b, ['run', '--bundle', b.dir, uniqueId()]);
      expect(r.status).toBe(1);
      expect(r.stdout).toBe('');
      expect(r.stderr.trim()).toBe(`cannot read bundle config ${join(b.dir, 'config.json')}: not valid UTF-8 at byte offset ${at}`);
      nothingLeft();
    }
  });

  it('a duplicate key at any depth is refused naming its JSON path (no parser-differential program)', () => {
    b = makeBundle(['echo', 'FIRST']);
    const text = readFileSync(join(b.dir, 'config.json'), 'utf8');
    const twice = text.replace('"args": [', '"args": ["echo", "SECOND"], "args": [');
    expect(twice).not.toBe(text);
    writeFileSync(join(b.dir, 'config.json'), twice);
    const r = berth(b, ['run', '--bundle', b.dir, uniqueId()]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toBe('config.json: /process/args: duplicate key "args" (a key may appear once in an object)');
    nothingLeft();
    b.config.linux.resources = { pids: { limit: 10 } };
    b.write();
    writeFileSync(join(b.dir, 'config.json'), readFileSync(join(b.dir, 'config.json'), 'utf8').replace('"limit": 10', '"limit": 10, "limit": 20'));
    expect(berth(b, ['run', '--bundle', b.dir, uniqueId()]).stderr).toMatch(/^config\.json: \/linux\/resources\/pids\/limit: duplicate key "limit"/);
    nothingLeft();
  });

  it('a config.json that is a FIFO: a clear error, no hang', () => {
    b = makeBundle(['true']);
    rmSync(join(b.dir, 'config.json'));
    execFileSync('mkfifo', [join(b.dir, 'config.json')]);
    const r = berth(b, ['create', '--bundle', b.dir, uniqueId()], { timeout: 15_000 });
    expect(r.signal, 'no hang').toBeNull();
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/cannot read bundle config .*config\.json: not a regular file/);
    nothingLeft();
  });

  for (const kind of ['FIFO', '/dev/zero', 'directory']) {
    it(`exec --process that is a ${kind}: a clear error, no hang, the container untouched`, () => {
      b = makeBundle(['sleep', '100']);
      const id = uniqueId();
      expect(berth(b, ['run', '-d', '--bundle', b.dir, id]).status).toBe(0);
      let file = '/dev/zero';
      if (kind === 'FIFO') execFileSync('mkfifo', [(file = join(b.dir, 'process.fifo'))]);
      if (kind === 'directory') file = b.dir;
      const r = berth(b, ['exec', '--process', file, id], { timeout: 15_000 });
      expect(r.signal, 'no hang').toBeNull();
      expect(r.status).toBe(255); // runc's code for a failure of the runtime's own
      // A FIFO is read as a pipe (runc takes `-p <(...)`): with no writer it is empty.
      expect(r.stderr).toMatch(kind === 'FIFO' ? /exec --process .*: empty \(a pipe or FIFO nothing was written to\)/ : /exec --process .*: not a regular file or a pipe/);
      expect(JSON.parse(berth(b, ['state', id]).stdout).status).toBe('running');
    });
  }

  it('exec --process from a pipe (as `exec -p <(...)` gives it): the process runs', () => {
    b = makeBundle(['sleep', '100']);
    const id = uniqueId();
    expect(berth(b, ['run', '-d', '--bundle', b.dir, id]).status).toBe(0);
    const proc = { ...b.config.process, args: ['sh', '-c', 'echo from-a-pipe'], terminal: false };
    // bash's process substitution: a real pipe, as runc's own tests give it.
    const r = spawnSync('bash', ['-c', '"$0" --root "$1" exec --process <(printf %s "$3") "$2"', BERTH, b.root, id, JSON.stringify(proc)], { encoding: 'utf8', timeout: 15_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('from-a-pipe\n');
  });

  it('exec --process with a duplicate key or invalid UTF-8 is refused; nothing runs', () => {
    b = makeBundle(['sleep', '100']);
    const id = uniqueId();
    expect(berth(b, ['run', '-d', '--bundle', b.dir, id]).status).toBe(0);
    const file = join(b.dir, 'process.json');
    const proc = JSON.stringify({ ...b.config.process, args: ['touch', '/ran'], terminal: false });
    writeFileSync(file, proc.replace('"args":[', '"args":["touch","/ran2"],"args":['));
    const dup = berth(b, ['exec', '--process', file, id]);
    expect(dup.status).toBe(255);
    expect(dup.stderr.trim()).toBe(`exec --process ${file}: /args: duplicate key "args" (a key may appear once in an object)`);
    writeFileSync(file, Buffer.concat([Buffer.from(proc.slice(0, 20)), Buffer.from([0xc3, 0x28]), Buffer.from(proc.slice(20))]));
    const bad = berth(b, ['exec', '--process', file, id]);
    expect(bad.status).toBe(255);
    expect(bad.stderr.trim()).toBe(`exec --process ${file}: not valid UTF-8 at byte offset 20`);
    expect(existsSync(join(b.rootfs, 'ran')) || existsSync(join(b.rootfs, 'ran2'))).toBe(false);
  });
});
