import { describe, it, expect, afterAll } from 'vitest';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, mkdirSync, rmSync, existsSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { BERTH, haveBuild } from '../helpers/bundle.js';
import { SPEC_DIR, officialValidator } from '../helpers/official-schemas.js';

const run = haveBuild() ? describe : describe.skip;
const tmp = mkdtempSync(join(tmpdir(), 'berth-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function berth(args: string[], cwd = tmp) {
  return spawnSync(BERTH, args, { cwd, encoding: 'utf8', timeout: 20_000 });
}

run('the command line (foundation issue)', () => {
  it('spec writes a config.json the official schema accepts, and refuses to overwrite it', () => {
    const dir = join(tmp, 'spec');
    mkdirSync(dir);
    expect(berth(['spec'], dir).status).toBe(0);
    expect(officialValidator('config')(JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')))).toBe(true);
    const again = berth(['spec'], dir);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/exists/);
    const rootless = join(tmp, 'rootless');
    mkdirSync(rootless);
    expect(berth(['spec', '--rootless', '--bundle', rootless]).status).toBe(0);
    const rl = JSON.parse(readFileSync(join(rootless, 'config.json'), 'utf8'));
    expect(officialValidator('config')(rl)).toBe(true);
    expect(rl.linux.namespaces.map((n: any) => n.type)).toContain('user');
  });

  it("spec: a cgroup namespace only on a unified (cgroup v2) host, as runc's spec", () => {
    const dir = join(tmp, 'spec-cgroupns');
    mkdirSync(dir);
    expect(berth(['spec'], dir).status).toBe(0);
    const types = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8')).linux.namespaces.map((n: any) => n.type);
    const unified = readFileSync('/proc/self/mountinfo', 'utf8').split('\n').some((l) => / - cgroup2 /.test(l) && l.split(' ')[4] === '/sys/fs/cgroup');
    expect(types.includes('cgroup')).toBe(unified);
    const runcDir = join(tmp, 'spec-runc');
    mkdirSync(runcDir);
    if (spawnSync('runc', ['spec'], { cwd: runcDir }).status === 0) {
      expect(types).toEqual(JSON.parse(readFileSync(join(runcDir, 'config.json'), 'utf8')).linux.namespaces.map((n: any) => n.type));
    }
  });

  it('features prints a document the official schema accepts', () => {
    const r = berth(['features']);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(officialValidator('features')(doc)).toBe(true);
    expect(doc.ociVersionMax).toBe('1.3.0');
    // The host's LSMs, as it runs them.
    const apparmor = existsSync('/sys/module/apparmor/parameters/enabled') && readFileSync('/sys/module/apparmor/parameters/enabled', 'utf8').trim() === 'Y';
    expect(doc.linux.apparmor.enabled).toBe(apparmor);
    expect(doc.linux.selinux.enabled).toBe(existsSync('/sys/fs/selinux/enforce'));
    // Every mount option runc knows (acl and noacl among them).
    expect(doc.mountOptions).toEqual(expect.arrayContaining(['acl', 'noacl']));
    const runc = spawnSync('runc', ['features'], { encoding: 'utf8' });
    if (runc.status === 0) expect(doc.mountOptions).toEqual(expect.arrayContaining(JSON.parse(runc.stdout).mountOptions));
  });

  it('--version names berth, the commit and the spec version', () => {
    const r = berth(['--version']);
    expect(r.stdout).toMatch(/^berth version \d+\.\d+\.\d+\ncommit: [0-9a-f]{12}(-dirty)?\nspec: 1\.3\.0\n/);
  });

  it('create on each official bad config fixture exits 1 naming the JSON path and leaves --root empty', () => {
    const dir = join(SPEC_DIR, 'schema/test/config/bad');
    for (const f of readdirSync(dir)) {
      const bundle = join(tmp, `bad-${f}`);
      mkdirSync(join(bundle, 'rootfs'), { recursive: true });
      copyFileSync(join(dir, f), join(bundle, 'config.json'));
      const root = join(tmp, `root-${f}`);
      const r = berth(['--root', root, 'create', '--bundle', bundle, 'c1']);
      expect(r.status, f).toBe(1);
      expect(r.stderr.trim().split('\n'), f).toHaveLength(1);
      expect(r.stderr, f).toMatch(f === 'invalid-json.json' ? /^config\.json: invalid JSON/ : /^config\.json: \/\S+: /);
      expect(existsSync(root) ? readdirSync(root) : [], f).toEqual([]);
    }
  });

  it('errors are one line on stderr and a JSON line in --log with --log-format json', () => {
    const log = join(tmp, 'log.json');
    const r = berth(['--root', join(tmp, 'r'), '--log', log, '--log-format', 'json', 'state', 'nope']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe('container nope does not exist\n');
    const line = JSON.parse(readFileSync(log, 'utf8').trim());
    expect(line).toMatchObject({ level: 'error', msg: 'container nope does not exist' });
    expect(line.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const t = berth(['--root', join(tmp, 'r'), '--log', join(tmp, 'log.txt'), 'kill', 'nope', 'KILL']);
    expect(t.status).toBe(1);
    expect(readFileSync(join(tmp, 'log.txt'), 'utf8')).toMatch(/^time="[^"]+" level=error msg="container nope does not exist"\n$/);
  });

  it('usage errors, bad ids and unbuilt commands fail with one clear line, never a stack trace', () => {
    for (const [args, msg] of [
      [['state'], /state: a container id is required/],
      [['state', '../etc'], /invalid container id/],
      [['kill', 'x', 'SIGNOPE'], /unknown signal/],
      [['checkpoint', '--lazy-pages', 'x'], /^checkpoint --lazy-pages: not supported/],
      [['restore', '--image-path', join(tmp, 'no-image'), 'x'], /^--image-path \S+no-image: no such directory$/m],
      [['create', '--bundle', join(tmp, 'missing'), 'x'], /cannot read bundle config/],
    ] as [string[], RegExp][]) {
      const r = berth(['--root', join(tmp, 'r2'), ...args]);
      expect(r.status, args.join(' ')).toBe(1);
      expect(r.stderr, args.join(' ')).toMatch(msg);
      expect(r.stderr).not.toMatch(/\n\s+at /);
    }
  });

  it('--help lists the runc commands', () => {
    const r = berth(['--help']);
    expect(r.status).toBe(0);
    for (const c of ['create', 'start', 'run', 'state', 'kill', 'delete', 'exec', 'list', 'ps', 'pause', 'resume', 'events', 'update', 'spec', 'features', 'checkpoint', 'restore']) {
      expect(r.stdout).toContain(`berth ${c}`);
    }
  });
});
