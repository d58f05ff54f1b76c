/**
 * v1 freezer: freezer.state FROZEN / THAWED. Freezing is asynchronous (FREEZING until every task
 * stops); like runc, re-write FROZEN now and then and poll until FROZEN, thawing again on timeout.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CgroupError } from '../errors.js';
import { sleepMs } from '../../sleep.js';

export function freezerState(dir: string): string {
  return readFileSync(join(dir, 'freezer.state'), 'utf8').trim();
}

export function freezeV1(dir: string, timeoutMs = 5000): void {
  const file = join(dir, 'freezer.state');
  const deadline = Date.now() + timeoutMs;
  for (let i = 0; ; i++) {
    if (i % 50 === 0) writeFileSync(file, 'FROZEN');
    const state = freezerState(dir);
    if (state === 'FROZEN') return;
    if (Date.now() > deadline) {
      writeFileSync(file, 'THAWED');
      throw new CgroupError(`freeze ${dir}: still ${state} after ${timeoutMs} ms`);
    }
    sleepMs(i < 10 ? 1 : 10);
  }
}

export function thawV1(dir: string): void {
  writeFileSync(join(dir, 'freezer.state'), 'THAWED');
}
