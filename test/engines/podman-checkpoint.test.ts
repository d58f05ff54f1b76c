// `podman container checkpoint` and `podman container restore` with berth and runc as the OCI
// runtime, side by side (docs/CHECKPOINT.md). CRIU must pass `criu check`: this file runs in the
// checkpoint VM lane (scripts/test.mjs, BERTH_VM_CRIU=1) and skips, saying why, elsewhere.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBusyboxRootfs } from '../helpers/rootfs.js';
import { probeCriu } from '../../src/host/criu.js';
import { PODMAN_PROGRAMS, PrivatePodman } from './helpers/podman.js';
import { announceSkip, removeCgroupTree, runtimes, waitFor, whyNot, type Runtime } from './helpers/env.js';

const why = whyNot(PODMAN_PROGRAMS) ?? (probeCriu().ok ? undefined : probeCriu().error);
announceSkip('podman checkpoint', why);

describe.skipIf(!!why)(`podman checkpoint${why ? ` (skipped: ${why})` : ''}`, () => {
  let pm: PrivatePodman;
  let work: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'berth-podman-ckpt-'));
    pm = new PrivatePodman(runtimes());
    pm.importRootfs(makeBusyboxRootfs(work));
  }, 300_000);

  afterAll(() => {
    pm?.stop();
    if (pm) removeCgroupTree(pm.cgroupParent);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  describe.each(runtimes())('with $name as the OCI runtime', (rt: Runtime) => {
    it('checkpoint stops a running counter; restore continues it; rm leaves nothing', async () => {
      const name = `${rt.name}-ckpt`;
      const counter = 'i=0; while true; do i=$((i+1)); echo $i; sleep 0.2; done';
      const d = pm.podman(['run', ...pm.runFlags(rt), '-d', '--name', name, pm.image, '/bin/sh', '-c', counter], { timeout: 240_000 });
      expect(d.status, d.stderr).toBe(0);
      const numbers = () => pm.podman(['logs', name]).stdout.split('\n').filter((l) => /^\d+$/.test(l)).map(Number);
      await waitFor('the counter to pass 5', () => (numbers().at(-1) ?? 0) > 5, 120_000);
      const c = pm.podman(['container', 'checkpoint', name], { timeout: 240_000 });
      expect(c.status, c.stderr).toBe(0);
      expect(pm.podman(['inspect', '--format', '{{.State.Status}}', name]).stdout.trim()).toBe('exited');
      const last = numbers().at(-1)!;
      const r = pm.podman(['container', 'restore', name], { timeout: 240_000 });
      expect(r.status, r.stderr).toBe(0);
      expect(pm.podman(['inspect', '--format', '{{.State.Status}}', name]).stdout.trim()).toBe('running');
      await waitFor('the restored counter to count', () => (numbers().at(-1) ?? 0) > last + 2, 120_000);
      // It continued: the log has every number once, in order (not a new run from 1).
      const all = numbers();
      expect(all.slice(0, all.length)).toEqual(all.map((_, k) => k + 1));
      expect(pm.podman(['rm', '-f', '-t', '0', name], { timeout: 120_000 }).status).toBe(0);
      expect(pm.podman(['ps', '-a', '--format', '{{.Names}}']).stdout.split('\n')).not.toContain(name);
    });
  });
});
