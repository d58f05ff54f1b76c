import { describe, it, expect, afterEach } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { berth, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../helpers/bundle.js';

const run = isRoot() && haveBuild() ? describe : describe.skip;
const CAP_SYS_ADMIN = 21n;

function capSet(status: string, name: string): bigint {
  const m = new RegExp(`^${name}:\\s+([0-9a-f]+)$`, 'm').exec(status);
  if (!m) throw new Error(`no ${name} in ${status}`);
  return BigInt(`0x${m[1]}`);
}

// CVE-2022-29162 class: `exec --cap` must not put the capability into the inheritable or ambient
// set, where it would survive the execve of any later (unprivileged) program.
run('exec --cap', () => {
  let b: TestBundle;
  afterEach(() => b?.cleanup());

  it('adds to bounding, effective and permitted only', () => {
    b = makeBundle(['sleep', '100'], (c) => {
      for (const set of ['inheritable', 'ambient']) c.process.capabilities[set] = [];
    });
    const id = uniqueId();
    expect(berth(b, ['run', '-d', '--bundle', b.dir, id]).status).toBe(0);
    const pidFile = join(b.dir, 'exec.pid');
    const r = berth(b, ['exec', '-d', '--pid-file', pidFile, '--cap', 'CAP_SYS_ADMIN', id, 'sleep', '100']);
    expect(r.status, r.stderr).toBe(0);
    const pid = Number(readFileSync(pidFile, 'utf8'));
    // From the host: the exec'd process's own sets.
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    expect(capSet(status, 'CapBnd') & (1n << CAP_SYS_ADMIN)).not.toBe(0n);
    expect(capSet(status, 'CapEff') & (1n << CAP_SYS_ADMIN)).not.toBe(0n);
    expect(capSet(status, 'CapPrm') & (1n << CAP_SYS_ADMIN)).not.toBe(0n);
    expect(capSet(status, 'CapInh')).toBe(0n);
    expect(capSet(status, 'CapAmb')).toBe(0n);
    // From inside: a program that process starts keeps nothing of CAP_SYS_ADMIN.
    const child = berth(b, ['exec', '--cap', 'CAP_SYS_ADMIN', '--user', '1000:1000', id, 'cat', '/proc/self/status']);
    expect(child.status, child.stderr).toBe(0);
    expect(capSet(child.stdout, 'CapEff')).toBe(0n);
    expect(capSet(child.stdout, 'CapAmb')).toBe(0n);
  });
});
