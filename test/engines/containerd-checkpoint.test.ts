// containerd 1.6's `ctr task checkpoint` through the io.containerd.runc.v2 shim with berth and
// runc as its runtime, side by side (docs/CHECKPOINT.md): the shim runs `<runtime> checkpoint
// --image-path ... --work-path ...` (with --leave-running unless --exit). CRIU must pass `criu
// check`: this file runs in the checkpoint VM lane (scripts/test.mjs) and skips elsewhere.
import { describe, it, expect, beforeAll, afterAll } from 'vitest';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { makeBusyboxRootfs } from '../helpers/rootfs.js';
import { probeCriu } from '../../src/host/criu.js';
import { CONTAINERD_PROGRAMS, PrivateContainerd } from './helpers/containerd.js';
import { announceSkip, removeCgroupTree, runtimes, waitFor, whyNot, type Runtime } from './helpers/env.js';

const why = whyNot(CONTAINERD_PROGRAMS) ?? (probeCriu().ok ? undefined : probeCriu().error);
announceSkip('containerd checkpoint', why);

describe.skipIf(!!why)(`containerd checkpoint${why ? ` (skipped: ${why})` : ''}`, () => {
  let ctd: PrivateContainerd;
  let work: string;
  let rootfs: string;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'berth-ctd-ckpt-'));
    rootfs = makeBusyboxRootfs(work);
    ctd = new PrivateContainerd();
    await ctd.start();
  }, 300_000);

  afterAll(async () => {
    await ctd?.stop();
    if (ctd) removeCgroupTree(ctd.cgroupParent);
    if (work) rmSync(work, { recursive: true, force: true });
  });

  describe.each(runtimes())('with $name as the shim runtime', (rt: Runtime) => {
    const taskStatus = (id: string) => ctd.ctr(['task', 'ls']).stdout.split('\n').find((l) => l.split(/\s+/)[0] === id)?.trim().split(/\s+/)[2];

    it('ctr task checkpoint --image-path: the task runs on; with --exit it stops', async () => {
      const id = `${rt.name}-ckpt`;
      const count = join(rootfs, `tmp/${id}`);
      const d = ctd.ctr(['run', ...ctd.runFlags(rt, id), '-d', '--rootfs', rootfs, id, '/bin/sh', '-c', `i=0; while true; do i=$((i+1)); echo $i > /tmp/${id}; sleep 0.2; done`], { timeout: 240_000 });
      expect(d.status, d.stderr).toBe(0);
      const counted = () => {
        try {
          return Number(readFileSync(count, 'utf8').trim()) > 3;
        } catch {
          return false;
        }
      };
      await waitFor('the counter', counted, 120_000);
      const img = join(work, `${id}-img`);
      const c = ctd.ctr(['task', 'checkpoint', '--image-path', img, id], { timeout: 240_000 });
      expect(c.status, c.stderr).toBe(0);
      expect(existsSync(join(img, 'pstree.img'))).toBe(true);
      expect(taskStatus(id)).toBe('RUNNING');
      const img2 = join(work, `${id}-img2`);
      const x = ctd.ctr(['task', 'checkpoint', '--exit', '--image-path', img2, id], { timeout: 240_000 });
      expect(x.status, x.stderr).toBe(0);
      expect(existsSync(join(img2, 'pstree.img'))).toBe(true);
      await waitFor('the task to stop', () => taskStatus(id) === 'STOPPED', 120_000);
      expect(ctd.ctr(['task', 'rm', id]).status).toBe(0);
      expect(ctd.ctr(['container', 'rm', id]).status).toBe(0);
    });
  });
});
