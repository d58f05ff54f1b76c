import { describe, expect, it } from 'vitest';
import { existsSync, readFileSync, statfsSync } from 'node:fs';
import { release } from 'node:os';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import Ajv from 'ajv';
import { BERTH, haveBuild, isRoot, REPO } from '../helpers/bundle.js';

const run = isRoot() && haveBuild() ? describe : describe.skip;
const validate = new Ajv({ strict: true }).compile(JSON.parse(readFileSync(join(REPO, 'schemas/check.schema.json'), 'utf8')));
const CGROUP2_SUPER_MAGIC = 0x63677270;

/** The layout as the filesystem under /sys/fs/cgroup says (not berth's code). */
function layoutHere(): string {
  if (statfsSync('/sys/fs/cgroup').type === CGROUP2_SUPER_MAGIC) return 'unified';
  return existsSync('/sys/fs/cgroup/unified') && statfsSync('/sys/fs/cgroup/unified').type === CGROUP2_SUPER_MAGIC ? 'hybrid' : 'legacy';
}

function check(args: string[] = [], user?: number) {
  const argv = ['--root', '/run/berth-check-test', 'check', ...args];
  const r = user === undefined
    ? spawnSync(BERTH, argv, { encoding: 'utf8', timeout: 120_000 })
    : spawnSync('setpriv', [`--reuid=${user}`, `--regid=${user}`, '--clear-groups', BERTH, ...argv], { encoding: 'utf8', timeout: 120_000 });
  return r;
}

/**
 * berth check on the host it runs on, compared with what the host shows by other means. The
 * same file runs in the pure cgroup2 VM lane (BERTH_CGROUP2_VM=unified), where the layout and
 * what systemd offers differ.
 */
run('berth check', () => {
  const r = check(['--format', 'json']);
  const doc = JSON.parse(r.stdout);
  const byId = (id: string) => doc.items.find((i: any) => i.id === id);

  it('is valid against schemas/check.schema.json and exits 0: this lane runs default containers', () => {
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(r.status, r.stderr).toBe(0);
    expect(doc.ok).toBe(true);
    for (const id of ['privileges', 'cgroup', 'cgroup-controllers', 'openat2', 'namespace-mount', 'namespace-pid']) expect(byId(id), id).toMatchObject({ status: 'ok', required: true });
  });

  it('says what this host has: kernel, cgroup layout, systemd, LSMs, CRIU, --root', () => {
    expect(byId('kernel').facts.release).toBe(release());
    const layout = layoutHere();
    if (process.env.BERTH_CGROUP2_VM) expect(layout).toBe(process.env.BERTH_CGROUP2_VM);
    expect(byId('cgroup').facts.layout).toBe(layout);
    if (layout === 'unified') {
      expect(byId('cgroup').facts.v1Controllers).toEqual([]);
      // The controllers berth's cgroup offers its children, as the kernel lists them.
      const own = readFileSync('/proc/self/cgroup', 'utf8').match(/^0::(.*)$/m)![1]!;
      const ctrls = readFileSync(join('/sys/fs/cgroup', own, 'cgroup.controllers'), 'utf8').trim().split(/\s+/).filter(Boolean);
      expect([...byId('cgroup-controllers').facts.controllers].sort()).toEqual(expect.arrayContaining(ctrls.filter((c) => ['cpu', 'memory', 'pids'].includes(c)).sort()));
      expect(byId('clone-into-cgroup').status).toBe('ok');
    } else {
      expect(byId('cgroup').facts.v1Controllers).toEqual(expect.arrayContaining(['devices', 'memory', 'pids']));
      expect(byId('cgroup').impact).toMatch(/linux\.resources\.unified is refused/);
    }
    const systemd = byId('systemd');
    if (!existsSync('/run/systemd/system')) expect(systemd).toMatchObject({ status: 'info', facts: { running: false } });
    else if (process.env.BERTH_CGROUP2_VM) expect(systemd).toMatchObject({ status: 'ok', facts: { running: true } });
    const apparmor = (() => { try { return readFileSync('/sys/module/apparmor/parameters/enabled', 'utf8').trim() === 'Y'; } catch { return false; } })();
    expect(byId('apparmor').status).toBe(apparmor ? 'ok' : 'missing');
    expect(byId('selinux').status).toBe(existsSync('/sys/fs/selinux/enforce') ? 'ok' : 'missing');
    if (!apparmor) expect(byId('apparmor')).toMatchObject({ impact: expect.stringMatching(/apparmorProfile is refused/), fix: expect.stringMatching(/apparmor=1/) });
    const criu = spawnSync('criu', ['check'], { encoding: 'utf8', timeout: 60_000 });
    const criuOk = criu.status === 0;
    expect(byId('criu').facts.ok).toBe(criuOk);
    if (!criuOk && criu.error === undefined) expect(byId('criu').detail).toMatch(/`criu check` fails: /);
    expect(byId('state-root').facts).toMatchObject({ root: '/run/berth-check-test' });
  });

  it('agrees with features: seccomp, LSMs, idmapped mounts and CRIU come from the same probes', () => {
    const f = JSON.parse(spawnSync(BERTH, ['features'], { encoding: 'utf8' }).stdout);
    expect(byId('seccomp').facts.libseccompVersion).toBe(f.annotations['io.github.seccomp.libseccomp.version']);
    expect(byId('seccomp').facts.actions).toEqual(f.linux.seccomp.actions);
    expect(byId('seccomp-notify').facts.supported).toBe(f.linux.seccomp.actions.includes('SCMP_ACT_NOTIFY'));
    expect(byId('apparmor').facts.enabled).toBe(f.linux.apparmor.enabled);
    expect(byId('selinux').facts.enabled).toBe(f.linux.selinux.enabled);
    expect(byId('idmap').facts.enabled).toBe(f.linux.mountExtensions.idmap.enabled);
    expect(String(byId('criu').facts.ok)).toBe(f.annotations['io.github.berth.checkpoint.enabled']);
  });

  it('as text: one line per item, what stops working and the fix under each that is not ok', () => {
    const t = check();
    expect(t.status).toBe(0);
    expect(t.stdout).toMatch(/^berth check: this host as berth sees it$/m);
    expect(t.stdout).toMatch(/^  ok +cgroups +/m);
    for (const i of doc.items.filter((x: any) => x.status === 'missing' || x.status === 'degraded')) {
      expect(t.stdout).toContain(`stops working: ${i.impact}`);
      expect(t.stdout).toContain(`fix: ${i.fix}`);
    }
    expect(t.stdout).toMatch(/^A default container \(berth spec\) can run here\.$/m);
  });

  it('exits 1 naming what is missing when a default container cannot run (an unprivileged user)', () => {
    const u = check(['--format', 'json'], 65534);
    expect(u.status).toBe(1);
    const d = JSON.parse(u.stdout);
    expect(d.ok).toBe(false);
    expect(d.items.find((i: any) => i.id === 'privileges')).toMatchObject({ status: 'missing', required: true, fix: expect.stringMatching(/root/) });
    const t = check([], 65534);
    expect(t.status).toBe(1);
    expect(t.stdout).toMatch(/^A default container \(berth spec\) cannot run here: privileges/m);
  });
});
