import { afterEach, describe, expect, it } from 'vitest';
import { existsSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import { berth, haveBuild, isRoot, makeBundle, REPO, uniqueId, type TestBundle } from '../helpers/bundle.js';
import { TEST_CGROUP_PARENT } from '../helpers/cgroup-parent.js';
import { realEnv, resolveCgroupPaths } from '../../src/cgroups/path.js';

const run = isRoot() && haveBuild() ? describe : describe.skip;
const validate = new Ajv({ strict: true }).compile(JSON.parse(readFileSync(join(REPO, 'schemas/dryrun.schema.json'), 'utf8')));

/** Every dir (recursively) under the tests' shared cgroup parent, in every hierarchy. */
function cgroupTree(): string[] {
  const { paths } = resolveCgroupPaths({ cgroupsPath: TEST_CGROUP_PARENT, id: 'unused' }, realEnv());
  const out: string[] = [];
  const walk = (d: string) => {
    let entries;
    try {
      entries = readdirSync(d, { withFileTypes: true });
    } catch {
      return;
    }
    out.push(d);
    for (const e of entries) if (e.isDirectory()) walk(join(d, e.name));
  };
  for (const d of new Set(Object.values(paths))) walk(d);
  return out.sort();
}

/** Files (path, size, mtime) under dir. */
function tree(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      const p = join(d, e.name);
      const st = statSync(p, { throwIfNoEntry: false });
      out.push(`${p} ${st?.size} ${st?.mtimeMs}`);
      if (e.isDirectory()) walk(p);
    }
  };
  walk(dir);
  return out.sort();
}

/** This test process's children, and every process that names the id or is a berth-init. */
function processes(id: string): string[] {
  const out: string[] = [];
  for (const p of readdirSync('/proc')) {
    if (!/^\d+$/.test(p)) continue;
    try {
      const stat = readFileSync(`/proc/${p}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmd = readFileSync(`/proc/${p}/cmdline`, 'utf8').replace(/\0/g, ' ');
      if (ppid === process.pid || cmd.includes(id)) out.push(`${p} ${cmd}`);
    } catch {
      // gone meanwhile
    }
  }
  return out.sort();
}

const mounts = () => readFileSync('/proc/self/mountinfo', 'utf8');

run('create --dry-run', () => {
  let b: TestBundle;
  afterEach(() => b?.cleanup());

  it('shows the plan of a bundle with hooks, cgroups, namespaces and mounts and changes nothing on the host; create then carries out that very plan', () => {
    const id = uniqueId('dry');
    b = makeBundle(['sleep', '60'], (c) => {
      const touch = (name: string) => [{ path: '/bin/sh', args: ['sh', '-c', `touch ${join('/tmp', `${id}-${name}`)}`] }];
      const inside = (name: string) => [{ path: '/bin/sh', args: ['sh', '-c', `touch /${name}`] }];
      c.hooks = {
        prestart: touch('prestart'), createRuntime: touch('createRuntime'), poststart: touch('poststart'), poststop: touch('poststop'),
        createContainer: inside('createContainer'), startContainer: inside('startContainer'),
      };
      c.linux.resources = { ...c.linux.resources, memory: { limit: 64 * 1024 * 1024 }, pids: { limit: 32 } };
      c.linux.sysctl = { 'net.ipv4.ip_forward': '1' };
      c.mounts.push({ destination: '/scratch', type: 'tmpfs', source: 'tmpfs', options: ['size=1m'] });
      c.mounts.push({ destination: '/hostetc', type: 'bind', source: '/etc', options: ['rbind', 'ro'] });
    });
    const before = { mounts: mounts(), cgroups: cgroupTree(), procs: processes(id), bundle: tree(b.dir) };
    const r = berth(b, ['create', '--dry-run', '--format', 'json', '--bundle', b.dir, id]);
    expect(r.status, r.stderr).toBe(0);
    // The warning create prints (prestart is deprecated) goes to stderr and into the document.
    expect(r.stderr).toMatch(/\/hooks\/prestart: is deprecated/);
    const doc = JSON.parse(r.stdout);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.warnings).toEqual([expect.stringMatching(/\/hooks\/prestart: is deprecated/)]);

    // Nothing made, written, run or mounted.
    expect(mounts()).toBe(before.mounts);
    expect(cgroupTree()).toEqual(before.cgroups);
    expect(processes(id)).toEqual(before.procs);
    expect(existsSync(b.root)).toBe(false);
    expect(tree(b.dir)).toEqual(before.bundle);
    for (const h of ['prestart', 'createRuntime', 'poststart', 'poststop']) expect(existsSync(`/tmp/${id}-${h}`), h).toBe(false);

    // What it showed: the hooks, the cgroup's dirs and writes, the namespaces, the mounts.
    expect(doc.hooks.map((h: any) => h.kind)).toEqual(['prestart', 'createRuntime', 'createContainer', 'startContainer', 'poststart', 'poststop']);
    const cg = doc.host.cgroup;
    expect(cg.mkdir.every((d: string) => !existsSync(d))).toBe(true);
    expect(cg.writes.map((w: any) => w.from)).toEqual(expect.arrayContaining(['/linux/resources/memory/limit', '/linux/resources/pids/limit']));
    const clone = doc.host.steps.find((s: any) => s.op === 'CLONE');
    expect(clone.detail.newNamespaces).toEqual(expect.arrayContaining(['pid', 'network', 'ipc', 'uts', 'mount']));
    const n = b.config.mounts.length;
    expect(doc.container.steps.find((s: any) => s.from === `/mounts/${n - 2}`).detail).toMatchObject({ type: 'tmpfs', target: '/scratch', data: 'size=1m' });
    expect(doc.container.steps.find((s: any) => s.from === `/mounts/${n - 1}`).detail).toMatchObject({ source: '/etc', target: '/hostetc' });

    // The real create carries out exactly the steps the dry run showed (state.json keeps them).
    const c = berth(b, ['create', '--bundle', b.dir, id]);
    expect(c.status, c.stderr).toBe(0);
    const rec = JSON.parse(readFileSync(join(b.root, id, 'state.json'), 'utf8'));
    expect([...doc.host.steps, ...doc.container.steps].map((s: any) => s.what)).toEqual(rec.steps);
    expect(existsSync(`/tmp/${id}-createRuntime`)).toBe(true); // and only now its hooks ran
    expect(berth(b, ['delete', '--force', id]).status).toBe(0);
    for (const h of ['prestart', 'createRuntime', 'poststart', 'poststop']) rmSync(`/tmp/${id}-${h}`, { force: true });
  });

  it('text is the default: the steps with the fields they come from', () => {
    b = makeBundle(['true']);
    const id = uniqueId('dry');
    const r = berth(b, ['run', '--dry-run', '--bundle', b.dir, id]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(new RegExp(`^berth run --dry-run ${id} \\(bundle ${b.dir}\\): the plan, nothing was made or run$`, 'm'));
    expect(r.stdout).toMatch(/^ +\d+\. mount proc on \/proc \(.*\)  <- \/mounts\/0$/m);
    expect(r.stdout).toMatch(/^    mkdir \/sys\/fs\/cgroup\/\S+$/m);
    expect(r.stdout).toMatch(/^Program\n  true  <- \/process\/args$/m);
    expect(existsSync(b.root)).toBe(false);
  });

  it('fails as create fails: the field named, exit 1, nothing left', () => {
    b = makeBundle(['true'], (c) => {
      c.linux.resources = { memory: { swappiness: 101 } };
    });
    const before = cgroupTree();
    const r = berth(b, ['create', '--dry-run', '--bundle', b.dir, uniqueId('dry')]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe('config.json: /linux/resources/memory/swappiness: must be between 0 and 100');
    expect(cgroupTree()).toEqual(before);
    expect(existsSync(b.root)).toBe(false);
    const bad = berth(b, ['create', '--dry-run', '--format', 'yaml', '--bundle', b.dir, uniqueId('dry')]);
    expect(bad.status).not.toBe(0);
    expect(bad.stderr).toMatch(/format/);
  });

  it('an id already taken is refused, as create refuses it', () => {
    b = makeBundle(['sleep', '30']);
    const id = uniqueId('dry');
    expect(berth(b, ['create', '--bundle', b.dir, id]).status).toBe(0);
    const r = berth(b, ['create', '--dry-run', '--bundle', b.dir, id]);
    expect(r.status).toBe(1);
    expect(r.stderr.trim()).toBe(`container with id ${id} already exists`);
  });

  it('warns as create warns: a cgroup that is there already and holds processes', () => {
    b = makeBundle(['sleep', '30']);
    const first = uniqueId('dry');
    expect(berth(b, ['create', '--bundle', b.dir, first]).status).toBe(0);
    // A second container with the same cgroupsPath would join the first one's cgroup.
    const r = berth(b, ['create', '--dry-run', '--format', 'json', '--bundle', b.dir, uniqueId('dry')]);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/container's cgroup is not empty: 1 process\(es\) found in /);
    const doc = JSON.parse(r.stdout);
    expect(doc.warnings).toEqual([expect.stringMatching(/^container's cgroup is not empty: 1 process\(es\) found in \/sys\/fs\/cgroup\//)]);
    expect(doc.host.cgroup.mkdir).toEqual([]);
  });

  it('exec --dry-run shows the exec process\'s plan and starts nothing', () => {
    b = makeBundle(['sleep', '60']);
    const id = uniqueId('dry');
    expect(berth(b, ['run', '--detach', '--bundle', b.dir, id]).status).toBe(0);
    const rec = JSON.parse(readFileSync(join(b.root, id, 'state.json'), 'utf8'));
    const procs = (rec.cgroup.layout === 'unified' ? rec.cgroup.paths[''] : rec.cgroup.paths.pids) + '/cgroup.procs';
    const inCgroup = readFileSync(procs, 'utf8');
    const r = berth(b, ['exec', '--dry-run', '--format', 'json', '--user', '1000:1000', id, 'sh', '-c', 'echo hi']);
    expect(r.status, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(validate(doc), JSON.stringify(validate.errors)).toBe(true);
    expect(doc.command).toBe('exec');
    expect(doc.host.steps.filter((s: any) => s.op === 'SETNS').map((s: any) => s.detail.path)).toEqual(expect.arrayContaining([`/proc/${rec.pid}/ns/mnt`, `/proc/${rec.pid}/ns/pid`]));
    expect(doc.process).toMatchObject({ args: ['sh', '-c', 'echo hi'], uid: 1000, gid: 1000 });
    expect(doc.container.steps.find((s: any) => s.op === 'SETRESUID')).toMatchObject({ detail: { uid: 1000 }, from: '/user/uid' });
    expect(readFileSync(procs, 'utf8')).toBe(inCgroup);
    const stopped = berth(b, ['exec', '--dry-run', 'nope-' + id, 'true']);
    expect(stopped.status).toBe(255);
  });
});
