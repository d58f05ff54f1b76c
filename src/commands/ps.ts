import { spawnSync } from 'node:child_process';
import { BerthError } from '../errors.js';
import type { Globals } from '../cli/globals.js';
import { Store } from '../state/store.js';
import { reopenCgroup } from '../cgroups/index.js';
import { stdout } from '../cli/output.js';
import { containerMembers, ownPidns } from '../state/members.js';

/** ps: the host pids in the container's cgroup (or, without one, its pid namespace); `--format json` is what containerd reads. */
export default async function ps(g: Globals, a: Record<string, any>): Promise<number> {
  const store = new Store(g.root);
  const rec = store.load(a.id);
  // Rootless without a delegated cgroup: the processes of its pid namespace (state/members.ts).
  const pids = rec.cgroup
    ? reopenCgroup(rec.cgroup).pids().sort((x, y) => x - y)
    : containerMembers({ pid: rec.pid, startTime: rec.initStartTime }, ownPidns(rec));
  if (a.format === 'json') {
    stdout(JSON.stringify(pids) + '\n');
    return 0;
  }
  const extra: string[] = [...(a['ps-args'] ?? []), ...(a['--'] ?? [])].map(String);
  const psArgs: string[] = extra.length ? extra : ['-ef'];
  const r = spawnSync('ps', psArgs, { encoding: 'utf8' });
  if (r.status !== 0 || r.error) throw new BerthError(`ps ${psArgs.join(' ')}: ${r.stderr?.trim() || r.error?.message || 'failed'}`);
  const lines = r.stdout.split('\n');
  const header = lines[0] ?? '';
  const pidCol = header.trim().split(/\s+/).indexOf('PID');
  if (pidCol < 0) throw new BerthError('ps output has no PID column');
  const want = new Set(pids);
  stdout(header + '\n');
  for (const line of lines.slice(1)) {
    const pid = Number(line.trim().split(/\s+/)[pidCol]);
    if (want.has(pid)) stdout(line + '\n');
  }
  return 0;
}
