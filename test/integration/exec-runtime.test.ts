import { describe, it, expect, afterEach } from 'vitest';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, readdirSync } from 'node:fs';
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { BERTH, berth, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../helpers/bundle.js';

const run = isRoot() && haveBuild() ? describe : describe.skip;

/** Host pids whose command line contains marker. */
function pidsWith(marker: string): number[] {
  return readdirSync('/proc')
    .filter((p) => /^\d+$/.test(p))
    .filter((p) => {
      try {
        return readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(marker);
      } catch {
        return false;
      }
    })
    .map(Number);
}

run('exec: runtime failures, --pid-file, -t without a console socket, --cgroup (as runc)', () => {
  const made: TestBundle[] = [];
  afterEach(() => {
    for (const b of made.splice(0)) b.cleanup();
  });
  const running = (): { b: TestBundle; id: string } => {
    const b = makeBundle(['sleep', '300']);
    made.push(b);
    const id = uniqueId();
    const r = berth(b, ['run', '-d', '--bundle', b.dir, id]);
    expect(r.status, r.stderr).toBe(0);
    return { b, id };
  };

  it("berth's own failures exit 255; the program's exit status is its own", () => {
    const { b, id } = running();
    expect(berth(b, ['exec', id, 'sh', '-c', 'exit 1']).status).toBe(1);
    const missing = berth(b, ['exec', id, '/no/such/program']);
    expect(missing.status).toBe(255);
    expect(missing.stderr).toMatch(/no\/such\/program/);
    const noContainer = berth(b, ['exec', `${id}-gone`, 'true']);
    expect(noContainer.status).toBe(255);
    expect(noContainer.stderr).toMatch(/does not exist/);
  });

  it('exec --ignore-paused into a paused container runs once resume thaws it (no lock held across)', async () => {
    const { b, id } = running();
    expect(berth(b, ['pause', id]).status).toBe(0);
    const out = join(b.dir, 'exec.out');
    const fd = openSync(out, 'w');
    const exec = spawn(BERTH, ['--root', b.root, 'exec', '--ignore-paused', id, 'echo', 'ok'], { stdio: ['ignore', fd, fd] });
    const done = new Promise<number | null>((r) => exec.on('close', r));
    await new Promise((r) => setTimeout(r, 1000));
    const resume = berth(b, ['resume', id], { timeout: 10_000 });
    expect(resume.status, resume.stderr).toBe(0);
    const timer = setTimeout(() => exec.kill('SIGKILL'), 10_000);
    expect(await done).toBe(0);
    clearTimeout(timer);
    closeSync(fd);
    expect(readFileSync(out, 'utf8')).toBe('ok\n');
  });

  it('a --pid-file that cannot be written fails exec and the started process does not live on', () => {
    const { b, id } = running();
    const marker = `9${Date.now() % 1_000_000}`;
    const r = berth(b, ['exec', '-d', '--pid-file', join(b.dir, 'no-dir', 'pid'), id, 'sleep', marker]);
    expect(r.status).toBe(255);
    expect(r.stderr).toMatch(/--pid-file .*no-dir\/pid: /);
    expect(pidsWith(`sleep\0${marker}`)).toEqual([]);
  });

  it('exec -t without --console-socket proxies a pty, as run does', () => {
    const { b, id } = running();
    const r = berth(b, ['exec', '-t', id, 'sh', '-c', 'tty; echo hi']);
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^\/dev\/pts\/\d+\r\nhi\r\n$/);
    const detached = berth(b, ['exec', '-t', '-d', id, 'true']);
    expect(detached.status).toBe(255);
    expect(detached.stderr).toMatch(/--console-socket/);
  });

  it('exec --cgroup: the process joins the sub-cgroup (seen inside and from the host); ".." and unknown controllers are refused', () => {
    const { b, id } = running();
    const state = JSON.parse(readFileSync(join(b.root, id, 'state.json'), 'utf8'));
    const paths: Record<string, string> = state.cgroup.paths;
    const ctrl = paths.memory ? 'memory' : '';
    const sub = join(paths[ctrl]!, 'sub');
    mkdirSync(sub);
    const flag = ctrl ? `${ctrl}:sub` : 'sub';
    const pidFile = join(b.dir, 'exec.pid');
    const r = berth(b, ['exec', '-d', '--pid-file', pidFile, '--cgroup', flag, id, 'sleep', '300']);
    expect(r.status, r.stderr).toBe(0);
    const pid = readFileSync(pidFile, 'utf8').trim();
    expect(readFileSync(join(sub, 'cgroup.procs'), 'utf8').split('\n')).toContain(pid);
    const line = readFileSync(`/proc/${pid}/cgroup`, 'utf8').split('\n').find((l) => l.split(':')[1] === ctrl);
    expect(line).toMatch(/\/sub$/);
    // The other hierarchies keep the container's own dir.
    for (const [k, dir] of Object.entries(paths)) {
      if (k !== ctrl && dir !== paths[ctrl]) expect(readFileSync(join(dir, 'cgroup.procs'), 'utf8').split('\n')).toContain(pid);
    }
    const up = berth(b, ['exec', '--cgroup', ctrl ? `${ctrl}:../..` : '../..', id, 'true']);
    expect(up.status).toBe(255);
    expect(up.stderr).toMatch(/ \.\.\/\.\. is not a sub cgroup path/);
    const unknown = berth(b, ['exec', '--cgroup', 'nosuchctrl:sub', id, 'true']);
    expect(unknown.status).toBe(255);
    expect(unknown.stderr).toMatch(/unknown controller nosuchctrl/);
    expect(existsSync(sub)).toBe(true);
  });
});
