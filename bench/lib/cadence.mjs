// The engine's story: `create`, `run` and `exec` bare and with the default seccomp profile (what
// every Docker, Podman and Kubernetes RuntimeDefault container carries), each at two cadences:
// - engine cadence: an idle gap (--gap-ms, 0.1 s) before each timed call, as an engine calls the
//   runtime between its own work. On cgroup v1 the first cgroup.procs write after a pause waits
//   7-20 ms in the kernel, which a tight loop never sees;
// - tight loop: one call after the other.
// A create is deleted (untimed) before the next one; exec goes into one running container per
// variant.
import { Root } from './containers.mjs';
import { sleep } from './proc.mjs';
import { median, now } from './stats.mjs';

const VARIANTS = { bare: 'bare', seccomp: 'default seccomp profile' };
const CADENCES = { gap: 'engine cadence', tight: 'tight loop' };
const CALLS = { create: '`create`', run: '`run` of /bin/true', exec: '`exec` /bin/true' };

export const cadenceRow = (call, variant, cadence, gapMs) =>
  `${CALLS[call]}, ${VARIANTS[variant]}, ${cadence === 'gap' ? `${CADENCES.gap} (${gapMs / 1000} s idle before each)` : CADENCES.tight}`;

/** Every row of this section, in table order. */
export function cadenceRowNames(gapMs) {
  const rows = [];
  for (const call of Object.keys(CALLS)) for (const variant of Object.keys(VARIANTS)) for (const cadence of Object.keys(CADENCES)) rows.push(cadenceRow(call, variant, cadence, gapMs));
  return rows;
}

const timed = (fn) => {
  const t0 = now();
  fn();
  return now() - t0;
};

export async function cadenceRows(res, col, tmp, bundles, { runs, gapMs, profile }) {
  const root = new Root(col, tmp);
  const k = col.key;
  let n = 0;
  const bundle = (variant, args) => {
    const id = `${k}-k${n++}`;
    return { id, dir: bundles.make(id, args, variant === 'seccomp' ? { seccomp: profile } : {}) };
  };
  for (const variant of Object.keys(VARIANTS)) {
    for (const cadence of Object.keys(CADENCES)) {
      const pause = () => (cadence === 'gap' ? sleep(gapMs) : undefined);
      await res.measure(cadenceRow('create', variant, cadence, gapMs), 'ms', k, async () => {
        const xs = [];
        for (let i = 0; i < runs; i++) {
          const b = bundle(variant, ['sleep', '1000']);
          await pause();
          xs.push(timed(() => root.run(['create', '--bundle', b.dir, b.id])));
          root.run(['delete', '--force', b.id]);
        }
        return median(xs);
      });
      await res.measure(cadenceRow('run', variant, cadence, gapMs), 'ms', k, async () => {
        const xs = [];
        for (let i = 0; i < runs; i++) {
          const b = bundle(variant, ['true']);
          await pause();
          xs.push(timed(() => root.run(['run', '--bundle', b.dir, b.id])));
        }
        return median(xs);
      });
      await res.measure(cadenceRow('exec', variant, cadence, gapMs), 'ms', k, async () => {
        const b = bundle(variant, ['sleep', '1000']);
        root.run(['run', '--detach', '--bundle', b.dir, b.id]);
        try {
          const xs = [];
          for (let i = 0; i < runs; i++) {
            await pause();
            xs.push(timed(() => root.run(['exec', b.id, '/bin/true'])));
          }
          return median(xs);
        } finally {
          root.run(['delete', '--force', b.id]);
        }
      });
    }
  }
  await root.destroy();
}
