// One container at a time: run, the lifecycle calls one by one, exec into a running container,
// create + start + delete, the waiting init's RSS and the peak RSS of a `create` process.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Aborted } from './cleanup.mjs';
import { Root } from './containers.mjs';
import { runSync } from './proc.mjs';
import { median, now } from './stats.mjs';

export const ROWS = {
  run: '`run` of /bin/true',
  create: '`create`',
  start: '`start`',
  state: '`state` (running)',
  kill: '`kill` KILL',
  delete: '`delete` (stopped)',
  csd: 'create + start + delete (/bin/true; waiting for its exit not counted)',
  exec: '`exec` /bin/true into a running container',
  initRss: 'RSS of the init waiting in `created`',
  createRss: 'peak RSS of one `create` process',
  createRssSeccomp: 'peak RSS of one `create` process, default seccomp profile',
};

const timed = (fn) => {
  const t0 = now();
  fn();
  return now() - t0;
};

function vmRss(pid) {
  const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmRSS for pid ${pid}`);
  return Number(m[1]) / 1024;
}

export async function lifecycleRows(res, col, tmp, bundles, runs, profile) {
  const root = new Root(col, tmp);
  const k = col.key;

  await res.measure(ROWS.run, 'ms', k, () => {
    const xs = [];
    for (let i = 0; i < runs; i++) {
      const b = bundles.make(`${k}-r${i}`, ['true']);
      xs.push(timed(() => root.run(['run', '--bundle', b, `${k}-r${i}`])));
    }
    return median(xs);
  });

  const per = { create: [], start: [], state: [], exec: [], kill: [], delete: [], initRss: [] };
  try {
    for (let i = 0; i < runs; i++) {
      const id = `${k}-l${i}`;
      const b = bundles.make(id, ['sleep', '1000']);
      per.create.push(timed(() => root.run(['create', '--bundle', b, id])));
      per.initRss.push(vmRss(root.state(id).pid));
      per.start.push(timed(() => root.run(['start', id])));
      per.state.push(timed(() => root.run(['state', id])));
      per.exec.push(timed(() => root.run(['exec', id, '/bin/true'])));
      per.kill.push(timed(() => root.run(['kill', id, 'KILL'])));
      await root.waitStopped(id);
      per.delete.push(timed(() => root.run(['delete', id])));
    }
    for (const [row, xs] of Object.entries(per)) res.set(ROWS[row], row === 'initRss' ? 'MiB' : 'ms', k, median(xs));
  } catch (e) {
    if (e instanceof Aborted) throw e;
    for (const row of Object.keys(per)) res.fail(ROWS[row], row === 'initRss' ? 'MiB' : 'ms', k, e);
  }

  await res.measure(ROWS.csd, 'ms', k, async () => {
    const xs = [];
    for (let i = 0; i < runs; i++) {
      const id = `${k}-c${i}`;
      const b = bundles.make(id, ['true']);
      let t = timed(() => root.run(['create', '--bundle', b, id]));
      t += timed(() => root.run(['start', id]));
      await root.waitStopped(id);
      t += timed(() => root.run(['delete', id]));
      xs.push(t);
    }
    return median(xs);
  });

  // GNU time's %M: the peak RSS of the process it waits for (the chain of execs for crun's
  // wrapper, the runtime itself otherwise); the container's init is not its child and not counted.
  for (const [row, seccomp] of [[ROWS.createRss, undefined], [ROWS.createRssSeccomp, profile]]) {
    if (!existsSync('/usr/bin/time')) {
      res.fail(row, 'MiB', k, 'no /usr/bin/time (Debian time)');
      continue;
    }
    await res.measure(row, 'MiB', k, () => {
      const xs = [];
      const out = join(tmp, `time-${k}`);
      for (let i = 0; i < Math.min(runs, 5); i++) {
        const id = `${k}-m${seccomp ? 's' : ''}${i}`;
        const b = bundles.make(id, ['sleep', '1000'], { seccomp });
        runSync(['/usr/bin/time', '-f', '%M', '-o', out, ...root.argv(['create', '--bundle', b, id])]);
        xs.push(Number(readFileSync(out, 'utf8').trim().split('\n').pop()) / 1024);
        root.run(['delete', '--force', id]);
      }
      rmSync(out, { force: true });
      return median(xs);
    });
  }

  await root.destroy();
}
