import { describe, it, expect, afterEach } from 'vitest';
import { chmodSync, chownSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { berth, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../helpers/bundle.js';

const run = isRoot() && haveBuild() ? describe : describe.skip;

run('process.cwd is entered before the user switch, and again after it when refused (as runc)', () => {
  const made: TestBundle[] = [];
  afterEach(() => {
    for (const b of made.splice(0)) b.cleanup();
  });
  const bundle = (args: string[], edit: (c: any, b: TestBundle) => void): TestBundle => {
    const b = makeBundle(args);
    made.push(b);
    edit(b.config, b);
    b.write();
    return b;
  };
  /** A dir in the rootfs with mode 0700, owned by uid. */
  const privateDir = (b: TestBundle, name: string, uid: number) => {
    const d = join(b.rootfs, name);
    mkdirSync(d, { recursive: true });
    chownSync(d, uid, uid);
    chmodSync(d, 0o700);
  };

  it('a cwd only root may enter (a root-owned WORKDIR, USER 1000): run starts there', () => {
    const b = bundle(['sh', '-c', 'pwd; id -u; ls . >/dev/null 2>&1 || echo cannot-list'], (c, b) => {
      privateDir(b, 'rootonly', 0);
      c.process.cwd = '/rootonly';
      c.process.user = { uid: 1000, gid: 1000 };
    });
    const r = berth(b, ['run', '--bundle', b.dir, uniqueId()]);
    expect(r.status, r.stderr).toBe(0);
    // In it, as uid 1000 without the right to read it: the directory was entered as root.
    expect(r.stdout).toBe('/rootonly\n1000\ncannot-list\n');
  });

  it('exec --user 0 into a dir of uid 1000 (mode 0700) without CAP_DAC_OVERRIDE in the process', () => {
    const b = bundle(['sleep', '30'], (_c, b) => privateDir(b, 'home1000', 1000));
    const id = uniqueId();
    const started = berth(b, ['run', '-d', '--bundle', b.dir, id]);
    expect(started.status, started.stderr).toBe(0);
    const r = berth(b, ['exec', '--user', '0:0', '--cwd', '/home1000', id, 'sh', '-c', 'pwd; grep CapEff /proc/self/status']);
    expect(r.status, r.stderr).toBe(0);
    // The default spec's capabilities: no CAP_DAC_OVERRIDE (bit 1), nor CAP_DAC_READ_SEARCH (bit 2).
    const [cwd, capEff] = r.stdout.trim().split('\n');
    expect(cwd).toBe('/home1000');
    expect(BigInt('0x' + capEff!.split(/\s+/)[1]) & 6n).toBe(0n);
  });
});
