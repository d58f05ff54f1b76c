/** v2 freezer: cgroup.freeze "1"/"0"; frozen once cgroup.events says "frozen 1". */
import { join } from 'node:path';
import { readControl, writeControl } from '../apply.js';
import { CgroupError } from '../errors.js';
import { sleepMs } from '../../sleep.js';

export function eventsFrozen(dir: string): boolean {
  return /^frozen 1$/m.test(readControl(join(dir, 'cgroup.events')) ?? '');
}

export function freezeV2(dir: string, timeoutMs = 5000): void {
  writeControl(join(dir, 'cgroup.freeze'), '1');
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; !eventsFrozen(dir); i++) {
    if (Date.now() > deadline) {
      writeControl(join(dir, 'cgroup.freeze'), '0');
      throw new CgroupError(`freeze ${dir}: not frozen after ${timeoutMs} ms`);
    }
    sleepMs(i < 10 ? 1 : 10);
  }
}

export function thawV2(dir: string): void {
  writeControl(join(dir, 'cgroup.freeze'), '0');
}
