// `run` and the child subreaper (runc 1.5.1: `run` calls PR_SET_CHILD_SUBREAPER unless
// --no-subreaper). A container without a pid namespace of its own orphans a process; the
// orphan's parent, read from inside through /proc, is the berth `run` process by default and
// is not with --no-subreaper. The orphan is ended before the init exits, and `run` reaps it
// (its exit status is still the init's).
import { describe, it, expect, afterEach } from 'vitest';
import { berth, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../helpers/bundle.js';

const run = isRoot() && haveBuild() ? describe : describe.skip;

// The inner sh starts sleep and exits at once: sleep is orphaned before the outer sh reads its
// parent (the kernel reparents it when the inner sh exits, before the outer sh's wait returns).
const ORPHAN = 'p=$(sh -c "sleep 300 >/dev/null 2>&1 & echo \\$!"); grep PPid /proc/$p/status; kill -9 $p; exit 7';

run('run --no-subreaper (runc)', () => {
  let b: TestBundle;
  afterEach(() => b?.cleanup());

  function orphanParent(flags: string[]): { ppid: number; berthPid: number } {
    b = makeBundle(['sh', '-c', ORPHAN], (c) => {
      c.linux.namespaces = c.linux.namespaces.filter((n: any) => n.type !== 'pid');
    });
    const r = berth(b, ['run', ...flags, '--bundle', b.dir, uniqueId()]);
    expect(r.status, r.stderr).toBe(7);
    const m = /^PPid:\s+(\d+)$/m.exec(r.stdout);
    expect(m, r.stdout).not.toBeNull();
    return { ppid: Number(m![1]), berthPid: r.pid! };
  }

  it('by default the container\'s orphans are reparented to run (the subreaper)', () => {
    const { ppid, berthPid } = orphanParent([]);
    expect(ppid).toBe(berthPid);
  });

  it('--no-subreaper: they are not', () => {
    const { ppid, berthPid } = orphanParent(['--no-subreaper']);
    expect(ppid).not.toBe(berthPid);
  });
});
