// Spec checklist, runtime.md: one test per MUST (the file has no SHOULD), each named by its
// sentence (checked against ../shared/oci-spec). Real containers through bin/berth, as root.
import { describe, it, expect, afterEach } from 'vitest';
import { existsSync, mkdirSync, readFileSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { berth, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../../test/helpers/bundle.js';
import { cgroupDirsNamed } from '../../test/helpers/leaks.js';
import { officialValidator } from '../../test/helpers/official-schemas.js';
import { alive, hook, hookLog, sentence, state, waitFor } from './helpers.js';

const suite = isRoot() && haveBuild() ? describe : describe.skip;
const S = (text: string) => sentence('runtime.md', text);
/** A bundle whose program may write into its rootfs (the default config has a read-only root). */
const writable = (args: string[], edit?: (c: any) => void) =>
  makeBundle(args, (c) => {
    c.root.readonly = false;
    edit?.(c);
  });

suite('runtime.md', () => {
  let b: TestBundle;
  afterEach(() => b?.cleanup());
  /** The leaf name of the bundle's cgroup (makeBundle makes a unique one). */
  const cgName = (tb: TestBundle) => String(tb.config.linux.cgroupsPath).split('/').pop()!;

  describe('Scope of a container', () => {
    it(S('The entity using a runtime to create a container MUST be able to use the operations defined in this specification against that same container.'), async () => {
      b = makeBundle(['sleep', '300']);
      const id = uniqueId();
      for (const op of [['create', '--bundle', b.dir, id], ['state', id], ['start', id], ['kill', id, 'KILL']]) {
        const r = berth(b, op);
        expect(r.status, `${op[0]}: ${r.stderr}`).toBe(0);
      }
      await waitFor('stopped', () => state(b, id).status === 'stopped');
      expect(berth(b, ['delete', id]).status).toBe(0);
    });
  });

  describe('State', () => {
    it(S('This MUST be unique across all containers on this host.'), () => {
      b = makeBundle(['sleep', '300']);
      const id = uniqueId();
      expect(berth(b, ['create', '--bundle', b.dir, id]).status).toBe(0);
      const before = state(b, id);
      const again = berth(b, ['create', '--bundle', b.dir, id]);
      expect(again.status).not.toBe(0);
      expect(again.stderr).toMatch(/already exists/);
      expect(state(b, id)).toEqual(before);
    });

    it(S('Additional values MAY be defined by the runtime, however, they MUST be used to represent new runtime states not defined above.'), async () => {
      // berth's one extra value is "paused": shown only while the cgroup is frozen.
      b = makeBundle(['sleep', '300']);
      const id = uniqueId();
      const seen = new Set<string>();
      expect(berth(b, ['create', '--bundle', b.dir, id]).status).toBe(0);
      seen.add(state(b, id).status);
      expect(berth(b, ['start', id]).status).toBe(0);
      seen.add(state(b, id).status);
      expect(berth(b, ['pause', id]).status).toBe(0);
      expect(state(b, id).status).toBe('paused');
      expect(berth(b, ['resume', id]).status).toBe(0);
      seen.add(state(b, id).status);
      expect(berth(b, ['kill', id, 'KILL']).status).toBe(0);
      await waitFor('stopped', () => state(b, id).status === 'stopped');
      seen.add('stopped');
      expect([...seen].sort()).toEqual(['created', 'running', 'stopped']);
    });

    it(`${S('**`pid`** (int, REQUIRED when `status` is `created` or `running` on Linux')}: the container process, as the runtime sees it`, () => {
      b = makeBundle(['sleep', '300']);
      const id = uniqueId();
      expect(berth(b, ['create', '--bundle', b.dir, id]).status).toBe(0);
      const created = state(b, id);
      expect(created.pid).toBeGreaterThan(0);
      expect(alive(created.pid)).toBe(true);
      // In its own pid namespace it is pid 1.
      expect(readFileSync(`/proc/${created.pid}/status`, 'utf8')).toMatch(/NSpid:\s+\d+\s+1\n/);
      expect(berth(b, ['start', id]).status).toBe(0);
      expect(state(b, id).pid).toBe(created.pid);
    });

    it(S('**`bundle`** (string, REQUIRED) is the absolute path to the container\'s bundle directory.'), () => {
      b = makeBundle(['sleep', '300']);
      const id = uniqueId();
      // given relative to the caller's cwd
      const r = berth(b, ['create', '--bundle', relative(process.cwd(), b.dir), id]);
      expect(r.status, r.stderr).toBe(0);
      expect(state(b, id).bundle).toBe(b.dir);
    });

    it(S('When serialized in JSON, the format MUST adhere to the JSON Schema [`schema/state-schema.json`](schema/state-schema.json).'), async () => {
      const valid = officialValidator('state');
      b = makeBundle(['sleep', '300'], (c) => (c.annotations = { 'org.example.key': 'value' }));
      const id = uniqueId();
      expect(berth(b, ['create', '--bundle', b.dir, id]).status).toBe(0);
      const docs = [state(b, id)];
      expect(berth(b, ['start', id]).status).toBe(0);
      docs.push(state(b, id));
      expect(berth(b, ['kill', id, 'KILL']).status).toBe(0);
      await waitFor('stopped', () => state(b, id).status === 'stopped');
      docs.push(state(b, id));
      for (const d of docs) expect(valid(d), JSON.stringify(d)).toBe(true);
      expect(docs[0].annotations).toEqual({ 'org.example.key': 'value' });
    });
  });

  describe('Lifecycle', () => {
    it(S("The container's runtime environment MUST be created according to the configuration in [`config.json`](config.md)."), () => {
      b = makeBundle(['sleep', '300'], (c) => (c.hostname = 'spec-host'));
      const id = uniqueId();
      expect(berth(b, ['create', '--bundle', b.dir, id]).status).toBe(0);
      const pid = state(b, id).pid;
      // what config.json asked for exists before start: its uts namespace and its mounts
      expect(readFileSync('/proc/sys/kernel/hostname', 'utf8')).not.toBe('spec-host\n');
      expect(readFileSync(`/proc/${pid}/mountinfo`, 'utf8')).toMatch(/ \/proc .* - proc /);
      expect(readdirSync(`/proc/${pid}/root/bin`)).toContain('busybox');
    });

    it(S('If the runtime is unable to create the environment specified in the [`config.json`](config.md), it MUST [generate an error](#errors).'), () => {
      b = makeBundle(['true'], (c) => c.mounts.push({ destination: '/data', source: '/no/such/source', type: 'bind', options: ['bind'] }));
      const id = uniqueId();
      const r = berth(b, ['create', '--bundle', b.dir, id]);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain('/no/such/source');
    });

    it(S('While the resources requested in the [`config.json`](config.md) MUST be created, the user-specified program (from [`process`](config.md#process)) MUST NOT be run at this time.'), async () => {
      b = writable(['sh', '-c', 'echo ran > /ran; sleep 300']);
      const id = uniqueId();
      expect(berth(b, ['create', '--bundle', b.dir, id]).status).toBe(0);
      expect(cgroupDirsNamed(cgName(b)).length).toBeGreaterThan(0);
      await new Promise((r) => setTimeout(r, 200));
      expect(existsSync(join(b.rootfs, 'ran'))).toBe(false);
      expect(berth(b, ['start', id]).status).toBe(0);
      await waitFor('the program to run', () => existsSync(join(b.rootfs, 'ran')));
    });

    it(S('Any updates to [`config.json`](config.md) after this step MUST NOT affect the container.'), async () => {
      b = writable(['sh', '-c', 'echo first > /which']);
      const id = uniqueId();
      expect(berth(b, ['create', '--bundle', b.dir, id]).status).toBe(0);
      b.config.process.args = ['sh', '-c', 'echo second > /which'];
      b.write();
      expect(berth(b, ['start', id]).status).toBe(0);
      await waitFor('the program to run', () => existsSync(join(b.rootfs, 'which')));
      expect(readFileSync(join(b.rootfs, 'which'), 'utf8')).toBe('first\n');
    });

    it(`${S('The [`prestart` hooks](config.md#prestart) MUST be invoked by the runtime.')} (and ${S('The [`createRuntime` hooks](config.md#createRuntime-hooks) MUST be invoked by the runtime.')}, ${S('The [`createContainer` hooks](config.md#createContainer-hooks) MUST be invoked by the runtime.')}, in that order, during create)`, () => {
      b = makeBundle(['true']);
      b.config.hooks = { prestart: [hook(b, 'prestart')], createRuntime: [hook(b, 'createRuntime')], createContainer: [hook(b, 'createContainer')] };
      b.write();
      const id = uniqueId();
      expect(berth(b, ['create', '--bundle', b.dir, id]).status).toBe(0);
      // in order, each with the state on stdin (its status: creating or created; the spec
      // leaves which to the runtime, runc and runtime-tools disagree)
      const log = hookLog(b).map((l) => l.split(' '));
      expect(log.map((l) => l[0])).toEqual(['prestart', 'createRuntime', 'createContainer']);
      for (const l of log) expect(['creating', 'created']).toContain(l[1]);
    });

    for (const [kind, text] of [
      ['prestart', 'If any `prestart` hook fails, the runtime MUST [generate an error](#errors), stop the container, and continue the lifecycle at step 12.'],
      ['createRuntime', 'If any `createRuntime` hook fails, the runtime MUST [generate an error](#errors), stop the container, and continue the lifecycle at step 12.'],
      ['createContainer', 'If any `createContainer` hook fails, the runtime MUST [generate an error](#errors), stop the container, and continue the lifecycle at step 12.'],
    ] as const) {
      it(S(text), () => {
        b = makeBundle(['true']);
        b.config.hooks = { [kind]: [hook(b, kind, 3)], poststop: [hook(b, 'poststop')] };
        b.write();
        const id = uniqueId();
        const r = berth(b, ['create', '--bundle', b.dir, id]);
        expect(r.status).not.toBe(0);
        expect(r.stderr).toMatch(new RegExp(`${kind} hook 0 .*exit status 3`));
        // stopped and destroyed (step 12), then the poststop hooks (step 13)
        expect(existsSync(join(b.root, id))).toBe(false);
        expect(cgroupDirsNamed(cgName(b))).toEqual([]);
        expect(hookLog(b).map((l) => l.split(' ')[0])).toEqual([kind, 'poststop']);
        expect(hookLog(b)[1]).toBe('poststop stopped');
      });
    }

    it(S('The [`startContainer` hooks](config.md#startContainer-hooks) MUST be invoked by the runtime.'), async () => {
      b = writable(['sh', '-c', 'echo ran > /ran']);
      // startContainer hooks run in the container: the script and log must be inside it
      mkdirSync(join(b.rootfs, 'hooks'), { recursive: true });
      writeFileSync(join(b.rootfs, 'hooks/start.sh'), '#!/bin/sh\necho startContainer >> /hooks/log\ntest ! -e /ran\n', { mode: 0o755 });
      b.config.hooks = { startContainer: [{ path: '/hooks/start.sh', args: ['start.sh'] }] };
      b.write();
      const id = uniqueId();
      expect(berth(b, ['create', '--bundle', b.dir, id]).status).toBe(0);
      expect(existsSync(join(b.rootfs, 'hooks/log'))).toBe(false);
      expect(berth(b, ['start', id]).status).toBe(0);
      await waitFor('the program to run', () => existsSync(join(b.rootfs, 'ran')));
      expect(readFileSync(join(b.rootfs, 'hooks/log'), 'utf8')).toBe('startContainer\n');
    });

    it(S('If any `startContainer` hook fails, the runtime MUST [generate an error](#errors), stop the container, and continue the lifecycle at step 12.'), async () => {
      b = writable(['sh', '-c', 'echo ran > /ran']);
      b.config.hooks = { startContainer: [{ path: '/bin/false', args: ['false'] }] };
      b.write();
      const id = uniqueId();
      expect(berth(b, ['create', '--bundle', b.dir, id]).status).toBe(0);
      const r = berth(b, ['start', id]);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/startContainer/);
      await waitFor('stopped', () => state(b, id).status === 'stopped');
      expect(existsSync(join(b.rootfs, 'ran'))).toBe(false);
      expect(berth(b, ['delete', id]).status).toBe(0);
    });

    it(S('The runtime MUST run the user-specified program, as specified by [`process`](config.md#process).'), async () => {
      b = writable(['true'], (c) => {
        c.process.env.push('GREETING=hi');
        c.process.cwd = '/tmp';
        c.process.user = { uid: 1000, gid: 1000 };
        c.process.args = ['sh', '-c', 'echo "$0 $1 $GREETING $(pwd) $(id -u)" > /tmp/out', 'arg0', 'arg1'];
      });
      const id = uniqueId();
      expect(berth(b, ['create', '--bundle', b.dir, id]).status).toBe(0);
      expect(berth(b, ['start', id]).status).toBe(0);
      await waitFor('the program to run', () => existsSync(join(b.rootfs, 'tmp/out')));
      await waitFor('it to finish', () => readFileSync(join(b.rootfs, 'tmp/out'), 'utf8').endsWith('\n'));
      expect(readFileSync(join(b.rootfs, 'tmp/out'), 'utf8')).toBe('arg0 arg1 hi /tmp 1000\n');
    });

    it(S('The [`poststart` hooks](config.md#poststart) MUST be invoked by the runtime.'), () => {
      b = makeBundle(['sleep', '300']);
      b.config.hooks = { poststart: [hook(b, 'poststart')] };
      b.write();
      const id = uniqueId();
      expect(berth(b, ['create', '--bundle', b.dir, id]).status).toBe(0);
      expect(hookLog(b)).toEqual([]);
      expect(berth(b, ['start', id]).status).toBe(0);
      // before start returns (config.md), with the container running
      expect(hookLog(b)).toEqual(['poststart running']);
    });

    it(S('If any `poststart` hook fails, the runtime MUST [generate an error](#errors), stop the container, and continue the lifecycle at step 12.'), async () => {
      b = makeBundle(['sleep', '300']);
      b.config.hooks = { poststart: [hook(b, 'poststart', 4)], poststop: [hook(b, 'poststop')] };
      b.write();
      const id = uniqueId();
      expect(berth(b, ['create', '--bundle', b.dir, id]).status).toBe(0);
      const r = berth(b, ['start', id]);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/poststart hook 0 .*exit status 4/);
      expect(state(b, id).status).toBe('stopped');
      expect(berth(b, ['delete', id]).status).toBe(0);
      expect(hookLog(b)).toEqual(['poststart running', 'poststop stopped']);
    });

    it(S('The container MUST be destroyed by undoing the steps performed during create phase (step 2).'), async () => {
      b = makeBundle(['sleep', '300']);
      const id = uniqueId();
      expect(berth(b, ['run', '-d', '--bundle', b.dir, id]).status).toBe(0);
      const pid = state(b, id).pid;
      expect(cgroupDirsNamed(cgName(b)).length).toBeGreaterThan(0);
      expect(berth(b, ['kill', id, 'KILL']).status).toBe(0);
      await waitFor('stopped', () => state(b, id).status === 'stopped');
      expect(berth(b, ['delete', id]).status).toBe(0);
      expect(alive(pid)).toBe(false);
      expect(cgroupDirsNamed(cgName(b))).toEqual([]);
      expect(existsSync(join(b.root, id))).toBe(false);
    });

    it(S('The [`poststop` hooks](config.md#poststop) MUST be invoked by the runtime.'), async () => {
      b = makeBundle(['true']);
      b.config.hooks = { poststop: [hook(b, 'poststop')] };
      b.write();
      const id = uniqueId();
      expect(berth(b, ['run', '-d', '--bundle', b.dir, id]).status).toBe(0);
      await waitFor('stopped', () => state(b, id).status === 'stopped');
      expect(hookLog(b)).toEqual([]);
      expect(berth(b, ['delete', id]).status).toBe(0);
      expect(hookLog(b)).toEqual(['poststop stopped']);
    });

    it(`${S('If any `poststop` hook fails, the runtime MUST [log a warning](#warnings), but the remaining hooks and lifecycle continue as if the hook had succeeded.')} (and ${S('Unless otherwise stated, logging a warning does not change the flow of the operation; it MUST continue as if the warning had not been logged.')})`, async () => {
      b = makeBundle(['true']);
      b.config.hooks = { poststop: [hook(b, 'first', 5), hook(b, 'second')] };
      b.write();
      const id = uniqueId();
      expect(berth(b, ['run', '-d', '--bundle', b.dir, id]).status).toBe(0);
      await waitFor('stopped', () => state(b, id).status === 'stopped');
      const d = berth(b, ['delete', id]);
      expect(d.status, d.stderr).toBe(0);
      expect(d.stderr).toMatch(/level=warning.*poststop hook 0/);
      expect(hookLog(b)).toEqual(['first stopped', 'second stopped']);
      expect(existsSync(join(b.root, id))).toBe(false);
    });
  });

  describe('Errors', () => {
    it(S('Unless otherwise stated, generating an error MUST leave the state of the environment as if the operation were never attempted'), () => {
      b = makeBundle(['true'], (c) => (c.process.rlimits = [{ type: 'RLIMIT_NOFILE', soft: 1 << 30, hard: 1 << 30 }]));
      const id = uniqueId();
      const mounts = readFileSync('/proc/self/mountinfo', 'utf8');
      const r = berth(b, ['create', '--bundle', b.dir, id]);
      expect(r.status).not.toBe(0);
      expect(existsSync(join(b.root, id))).toBe(false);
      expect(cgroupDirsNamed(cgName(b))).toEqual([]);
      expect(readFileSync('/proc/self/mountinfo', 'utf8')).toBe(mounts);
      // and the id is free, as if never used
      b.config.process.rlimits = [];
      b.write();
      expect(berth(b, ['create', '--bundle', b.dir, id]).status).toBe(0);
    });
  });

  describe('Query State', () => {
    it(S('This operation MUST [generate an error](#errors) if it is not provided the ID of a container.'), () => {
      b = makeBundle();
      expect(berth(b, ['state']).status).not.toBe(0);
    });

    it(S('Attempting to query a container that does not exist MUST [generate an error](#errors).'), () => {
      b = makeBundle();
      const r = berth(b, ['state', 'no-such-container']);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/does not exist/);
    });

    it(S('This operation MUST return the state of a container as specified in the [State](#state) section.'), () => {
      b = makeBundle(['sleep', '300']);
      const id = uniqueId();
      expect(berth(b, ['create', '--bundle', b.dir, id]).status).toBe(0);
      const s = state(b, id);
      expect(s).toMatchObject({ ociVersion: expect.any(String), id, status: 'created', pid: expect.any(Number), bundle: b.dir });
    });
  });

  describe('Create', () => {
    it(S('This operation MUST [generate an error](#errors) if it is not provided a path to the bundle and the container ID to associate with the container.'), () => {
      b = makeBundle();
      const noId = berth(b, ['create', '--bundle', b.dir]);
      expect(noId.status).not.toBe(0);
      const noBundle = berth(b, ['create', '--bundle', join(b.dir, 'missing'), uniqueId()]);
      expect(noBundle.status).not.toBe(0);
      expect(noBundle.stderr).toMatch(/missing/);
      expect(existsSync(b.root) ? readdirSync(b.root) : []).toEqual([]);
    });

    it(S('If the ID provided is not unique across all containers within the scope of the runtime, or is not valid in any other way, the implementation MUST [generate an error](#errors) and a new container MUST NOT be created.'), () => {
      b = makeBundle(['sleep', '300']);
      const id = uniqueId();
      expect(berth(b, ['create', '--bundle', b.dir, id]).status).toBe(0);
      const pid = state(b, id).pid;
      expect(berth(b, ['create', '--bundle', b.dir, id]).status).not.toBe(0);
      expect(state(b, id).pid).toBe(pid);
      for (const bad of ['../escape', 'a/b', '..', '']) {
        const r = berth(b, ['create', '--bundle', b.dir, bad]);
        expect(r.status, bad).not.toBe(0);
      }
      expect(readdirSync(b.root)).toEqual([id]);
    });

    it(S('This operation MUST create a new container.'), () => {
      b = makeBundle(['sleep', '300']);
      const id = uniqueId();
      expect(berth(b, ['create', '--bundle', b.dir, id]).status).toBe(0);
      expect(state(b, id).status).toBe('created');
      expect(JSON.parse(berth(b, ['list', '--format', 'json']).stdout).map((c: any) => c.id)).toEqual([id]);
    });

    it(S('All of the properties configured in [`config.json`](config.md) except for [`process`](config.md#process) MUST be applied.'), () => {
      b = makeBundle(['sleep', '300'], (c) => {
        c.hostname = 'applied';
        c.mounts.push({ destination: '/mnt/data', type: 'tmpfs', source: 'tmpfs', options: ['size=1m'] });
        c.linux.resources = { pids: { limit: 42 } };
      });
      const id = uniqueId();
      expect(berth(b, ['create', '--bundle', b.dir, id]).status).toBe(0);
      const pid = state(b, id).pid;
      expect(readFileSync(`/proc/${pid}/mountinfo`, 'utf8')).toMatch(/ \/mnt\/data .* - tmpfs /);
      const pids = cgroupDirsNamed(cgName(b)).find((d) => d.startsWith('/sys/fs/cgroup/pids/'));
      expect(pids && readFileSync(join(pids, 'pids.max'), 'utf8')).toBe('42\n');
      expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).not.toContain('sleep');
    });

    it(S('[`process.args`](config.md#process) MUST NOT be applied until triggered by the [`start`](#start) operation.'), async () => {
      b = makeBundle(['sleep', '300']);
      const id = uniqueId();
      expect(berth(b, ['create', '--bundle', b.dir, id]).status).toBe(0);
      const pid = state(b, id).pid;
      expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).toContain('berth-init');
      expect(berth(b, ['start', id]).status).toBe(0);
      await waitFor('exec', () => readFileSync(`/proc/${pid}/cmdline`, 'utf8') === 'sleep\u0000300\u0000');
    });

    it(S('If the runtime cannot apply a property as specified in the [configuration](config.md), it MUST [generate an error](#errors) and a new container MUST NOT be created.'), () => {
      b = makeBundle(['true'], (c) => (c.linux.sysctl = { 'kernel.no_such_sysctl': '1' }));
      const id = uniqueId();
      const r = berth(b, ['create', '--bundle', b.dir, id]);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain('kernel.no_such_sysctl');
      expect(berth(b, ['state', id]).status).not.toBe(0);
      expect(existsSync(b.root) ? readdirSync(b.root) : []).toEqual([]);
    });
  });

  describe('Start', () => {
    it(S('This operation MUST [generate an error](#errors) if it is not provided the container ID.'), () => {
      b = makeBundle();
      expect(berth(b, ['start']).status).not.toBe(0);
    });

    it(S('Attempting to `start` a container that is not [`created`](#state) MUST have no effect on the container and MUST [generate an error](#errors).'), async () => {
      b = writable(['sh', '-c', 'echo run >> /count; sleep 300']);
      const id = uniqueId();
      expect(berth(b, ['run', '-d', '--bundle', b.dir, id]).status).toBe(0);
      await waitFor('the program to run', () => existsSync(join(b.rootfs, 'count')));
      const before = state(b, id);
      const r = berth(b, ['start', id]);
      expect(r.status).not.toBe(0);
      expect(state(b, id)).toEqual(before);
      expect(berth(b, ['kill', id, 'KILL']).status).toBe(0);
      await waitFor('stopped', () => state(b, id).status === 'stopped');
      expect(berth(b, ['start', id]).status).not.toBe(0);
      expect(state(b, id).status).toBe('stopped');
      expect(readFileSync(join(b.rootfs, 'count'), 'utf8')).toBe('run\n');
    });

    it(S('This operation MUST run the user-specified program as specified by [`process`](config.md#process).'), async () => {
      b = writable(['sh', '-c', 'echo started > /out']);
      const id = uniqueId();
      expect(berth(b, ['create', '--bundle', b.dir, id]).status).toBe(0);
      expect(berth(b, ['start', id]).status).toBe(0);
      await waitFor('the program to run', () => existsSync(join(b.rootfs, 'out')));
    });

    it(`${S('This operation MUST generate an error if `process` was not set.')} (berth refuses such a bundle already at create)`, () => {
      b = makeBundle(['true'], (c) => delete c.process);
      const id = uniqueId();
      const c = berth(b, ['create', '--bundle', b.dir, id]);
      expect(c.status).not.toBe(0);
      expect(c.stderr).toMatch(/process/);
      expect(berth(b, ['start', id]).status).not.toBe(0);
    });
  });

  describe('Kill', () => {
    it(S('This operation MUST [generate an error](#errors) if it is not provided the container ID.'), () => {
      b = makeBundle();
      expect(berth(b, ['kill']).status).not.toBe(0);
    });

    it(S('Attempting to send a signal to a container that is neither [`created` nor `running`](#state) MUST have no effect on the container and MUST [generate an error](#errors).'), async () => {
      b = makeBundle(['true']);
      const id = uniqueId();
      expect(berth(b, ['run', '-d', '--bundle', b.dir, id]).status).toBe(0);
      await waitFor('stopped', () => state(b, id).status === 'stopped');
      const before = state(b, id);
      const r = berth(b, ['kill', id, 'TERM']);
      expect(r.status).not.toBe(0);
      expect(state(b, id)).toEqual(before);
      expect(berth(b, ['delete', id]).status).toBe(0);
    });

    it(S('This operation MUST send the specified signal to the container process.'), async () => {
      b = writable(['sh', '-c', 'trap "echo got-usr1 > /sig; exit 0" USR1; echo ready > /ready; while true; do sleep 0.05; done']);
      const id = uniqueId();
      expect(berth(b, ['run', '-d', '--bundle', b.dir, id]).status).toBe(0);
      await waitFor('the trap', () => existsSync(join(b.rootfs, 'ready')));
      expect(berth(b, ['kill', id, 'USR1']).status).toBe(0);
      await waitFor('the signal', () => existsSync(join(b.rootfs, 'sig')));
      await waitFor('stopped', () => state(b, id).status === 'stopped');
      // a created container can be signalled too
      const id2 = uniqueId();
      expect(berth(b, ['create', '--bundle', b.dir, id2]).status).toBe(0);
      expect(berth(b, ['kill', id2, 'KILL']).status).toBe(0);
      await waitFor('stopped', () => state(b, id2).status === 'stopped');
    });
  });

  describe('Delete', () => {
    it(S('This operation MUST [generate an error](#errors) if it is not provided the container ID.'), () => {
      b = makeBundle();
      expect(berth(b, ['delete']).status).not.toBe(0);
    });

    it(`${S('Attempting to `delete` a container that is not [`stopped`](#state) MUST have no effect on the container and MUST [generate an error](#errors).')}: running and paused`, () => {
      b = makeBundle(['sleep', '300']);
      const id = uniqueId();
      expect(berth(b, ['run', '-d', '--bundle', b.dir, id]).status).toBe(0);
      const before = state(b, id);
      const r = berth(b, ['delete', id]);
      expect(r.status).not.toBe(0);
      expect(r.stderr).toMatch(/not stopped: running/);
      expect(state(b, id)).toEqual(before);
      expect(berth(b, ['pause', id]).status).toBe(0);
      expect(berth(b, ['delete', id]).status).not.toBe(0);
      expect(state(b, id).status).toBe('paused');
      expect(alive(before.pid)).toBe(true);
    });

    it('deviation (conformance/KNOWN.md): a `created` container is deleted without --force, as runc does and containerd\'s shim expects', () => {
      b = makeBundle(['sleep', '300']);
      const id = uniqueId();
      expect(berth(b, ['create', '--bundle', b.dir, id]).status).toBe(0);
      const pid = state(b, id).pid;
      expect(berth(b, ['delete', id]).status).toBe(0);
      expect(alive(pid)).toBe(false);
    });

    it(`${S('Deleting a container MUST delete the resources that were created during the `create` step.')} (and ${S('Note that resources associated with the container, but not created by this container, MUST NOT be deleted.')})`, async () => {
      const shared = makeBundle();
      // resources the container uses but did not create: a bind-mounted host dir, and a cgroup
      // parent that exists before it (made here, in the pids hierarchy)
      writeFileSync(join(shared.dir, 'keep'), 'mine\n');
      const parent = `berth-spec-${uniqueId('parent')}`;
      const pidsParent = join('/sys/fs/cgroup/pids', parent);
      mkdirSync(pidsParent);
      b = makeBundle(['sleep', '300'], (c) => {
        c.mounts.push({ destination: '/data', source: shared.dir, type: 'bind', options: ['rbind'] });
        c.linux.cgroupsPath = `/${parent}/c1`;
      });
      const id = uniqueId();
      try {
        expect(berth(b, ['run', '-d', '--bundle', b.dir, id]).status).toBe(0);
        expect(existsSync(join(pidsParent, 'c1'))).toBe(true);
        expect(berth(b, ['kill', id, 'KILL']).status).toBe(0);
        await waitFor('stopped', () => state(b, id).status === 'stopped');
        expect(berth(b, ['delete', id]).status).toBe(0);
        expect(cgroupDirsNamed(parent).filter((d) => d.endsWith('/c1'))).toEqual([]);
        expect(existsSync(join(b.root, id))).toBe(false);
        expect(existsSync(pidsParent)).toBe(true);
        expect(readFileSync(join(shared.dir, 'keep'), 'utf8')).toBe('mine\n');
      } finally {
        shared.cleanup();
        for (const d of cgroupDirsNamed(parent).sort((x, y) => y.length - x.length)) rmdirSync(d);
      }
    });
  });
});
