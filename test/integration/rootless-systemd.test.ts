// Rootless berth with --systemd-cgroup: the container's scope from the user's own systemd
// manager (`systemd --user`), reached over that manager's private socket in $XDG_RUNTIME_DIR.
// The manager runs as user@UID.service would run it (as the user, its cgroup delegated to it),
// started with systemd-run: user@.service itself needs user-runtime-dir@.service, which needs
// the system bus (dbus-daemon), which the VM does not run. Runs where systemd is PID 1 on
// cgroup v2 (the VM lane's systemd mode, npm run test:systemd); skipped elsewhere.
import { spawnSync } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { haveBuild } from '../helpers/bundle.js';
import { haveBusybox, makeBusyboxRootfs } from '../helpers/rootfs.js';
import { makeRootlessUser, rootlessToolsMissing, type RootlessUser } from '../helpers/rootless-user.js';

const missing = rootlessToolsMissing() ?? (!haveBuild() ? 'no build' : !haveBusybox() ? 'no busybox'
  : !existsSync('/run/systemd/system') ? 'systemd is not PID 1 (the VM lane\'s systemd mode)'
  : !existsSync('/sys/fs/cgroup/cgroup.controllers') ? 'not cgroup v2 (user managers get a delegated cgroup only there)' : undefined);

/** A turn of the event loop between blocking calls (vitest's worker RPC under emulation). */
const turn = () => new Promise((r) => setTimeout(r, 1));

describe.skipIf(!!missing)(`rootless berth, systemd --user${missing ? ` (skipped: ${missing})` : ''}`, () => {
  let u: RootlessUser;
  let xdg: string;
  let unit: string;
  /** The user manager's own cgroup (its service's), under which it makes user.slice. */
  let managerCgroup: string;
  let runner: string;

  beforeAll(async () => {
    u = makeRootlessUser();
    xdg = u.xdg;
    unit = `berth-rootless-manager-${u.uid}.service`;
    const st = spawnSync('systemd-run', [
      `--uid=${u.uid}`, `--gid=${u.gid}`, `--unit=${unit}`, '-p', 'Delegate=yes', '-p', 'Type=notify',
      // No default dependencies: sysinit.target would mount a fresh /tmp over the test's files.
      '-p', 'DefaultDependencies=no',
      `--setenv=XDG_RUNTIME_DIR=${xdg}`, `--setenv=HOME=${u.home}`, '/lib/systemd/systemd', '--user',
    ], { encoding: 'utf8', timeout: 240_000 });
    expect(st.status, `systemd-run systemd --user: ${st.stderr}`).toBe(0);
    for (let i = 0; i < 600 && !existsSync(`${xdg}/systemd/private`); i++) await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(`${xdg}/systemd/private`)).toBe(true);
    managerCgroup = spawnSync('systemctl', ['show', '-p', 'ControlGroup', '--value', unit], { encoding: 'utf8' }).stdout.trim();
    expect(managerCgroup).toBe(`/system.slice/${unit}`);
    // The user's berth runs inside the manager's delegated tree, as a login shell's would
    // (user@.service/app.slice/...): the manager can move its placeholder process into the new
    // scope only from a cgroup of its own tree.
    runner = `/sys/fs/cgroup${managerCgroup}/berth-runner`;
    mkdirSync(runner);
  }, 300_000);

  afterAll(() => {
    try {
      if (runner) rmdirSync(runner);
    } catch {
      // systemd removes the manager's tree when it stops
    }
    if (unit) spawnSync('systemctl', ['stop', unit], { timeout: 240_000 });
    u?.remove();
  }, 300_000);

  it('the scope comes from the user\'s manager, in user.slice; limits, pause/resume, delete stops it', async () => {
    const dir = join(u.dir, 'bundle');
    mkdirSync(dir, { mode: 0o755 });
    makeBusyboxRootfs(dir);
    chownSync(dir, u.uid, u.gid);
    const env = { XDG_RUNTIME_DIR: xdg };
    const as = async (args: string[]) => {
      await turn();
      const r = u.berthAs(args, { cwd: dir, env, timeout: 240_000, cgroup: runner });
      await turn();
      return r;
    };
    const ok = (r: { status: number | null; stderr: string }) => expect(r.status, r.stderr).toBe(0);
    ok(await as(['spec', '--rootless']));
    const config = JSON.parse(readFileSync(join(dir, 'config.json'), 'utf8'));
    config.process.terminal = false;
    config.process.args = ['sleep', '1000'];
    config.linux.resources = { pids: { limit: 42 } };
    writeFileSync(join(dir, 'config.json'), JSON.stringify(config));
    const id = `rls-${process.pid}`;
    ok(await as(['--systemd-cgroup', 'run', '-d', '--bundle', dir, id]));
    const st = JSON.parse((await as(['state', id])).stdout);
    const scope = `${managerCgroup}/user.slice/runc-${id}.scope`;
    expect(readFileSync(`/proc/${st.pid}/cgroup`, 'utf8').trim()).toBe(`0::${scope}`);
    expect(readFileSync(`/sys/fs/cgroup${scope}/pids.max`, 'utf8').trim()).toBe('42');
    ok(await as(['pause', id]));
    expect(JSON.parse((await as(['state', id])).stdout).status).toBe('paused');
    ok(await as(['resume', id]));
    ok(await as(['delete', '--force', id]));
    for (let i = 0; i < 300 && existsSync(`/sys/fs/cgroup${scope}`); i++) await new Promise((r) => setTimeout(r, 100));
    expect(existsSync(`/sys/fs/cgroup${scope}`)).toBe(false);
  }, 600_000);
});
