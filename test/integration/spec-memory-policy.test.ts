// linux.memoryPolicy (config-linux.md): set_mempolicy(2) for the container's init and for every
// exec'd process (runc does both), seen from the host in /proc/PID/numa_maps (each mapping names
// the policy: "bind:0", "interleave=static:0", "local"). This host has one NUMA node, 0.
import { describe, it, expect, afterEach } from 'vitest';
import { existsSync, readFileSync } from 'node:fs';
import { berth, haveBuild, isRoot, makeBundle, uniqueId, type TestBundle } from '../helpers/bundle.js';
import { expectCleanFailure } from '../helpers/leaks.js';

const numa = existsSync('/proc/self/numa_maps');
const run = isRoot() && haveBuild() && numa ? describe : describe.skip;

/** The policy numa_maps shows for the first mapping (the program's text). */
const policyOf = (maps: string) => maps.split('\n')[0]!.split(' ')[1];

run('linux.memoryPolicy', () => {
  let b: TestBundle;
  afterEach(() => b?.cleanup());

  /** Create and start `sleep` with the policy; the init's pid. */
  function started(memoryPolicy: any): { id: string; pid: number } {
    b = makeBundle(['sleep', '300'], (c) => (c.linux.memoryPolicy = memoryPolicy));
    const id = uniqueId();
    const c = berth(b, ['create', '--bundle', b.dir, id]);
    expect(c.status, c.stderr).toBe(0);
    expect(berth(b, ['start', id]).status).toBe(0);
    return { id, pid: JSON.parse(berth(b, ['state', id]).stdout).pid };
  }

  it('MPOL_BIND on node 0: the init (from the host) and an exec process', () => {
    const { id, pid } = started({ mode: 'MPOL_BIND', nodes: '0' });
    expect(policyOf(readFileSync(`/proc/${pid}/numa_maps`, 'utf8'))).toBe('bind:0');
    const r = berth(b, ['exec', id, 'cat', '/proc/self/numa_maps']);
    expect(r.status, r.stderr).toBe(0);
    expect(policyOf(r.stdout)).toBe('bind:0');
    // The host's own processes keep theirs.
    expect(policyOf(readFileSync('/proc/self/numa_maps', 'utf8'))).toBe('default');
  });

  it('MPOL_INTERLEAVE with MPOL_F_STATIC_NODES', () => {
    const { pid } = started({ mode: 'MPOL_INTERLEAVE', nodes: '0', flags: ['MPOL_F_STATIC_NODES'] });
    expect(policyOf(readFileSync(`/proc/${pid}/numa_maps`, 'utf8'))).toBe('interleave=static:0');
  });

  it('modes without nodes: MPOL_LOCAL; MPOL_PREFERRED on a node', () => {
    expect(policyOf(readFileSync(`/proc/${started({ mode: 'MPOL_LOCAL' }).pid}/numa_maps`, 'utf8'))).toBe('local');
    b.cleanup();
    expect(policyOf(readFileSync(`/proc/${started({ mode: 'MPOL_PREFERRED', nodes: '0' }).pid}/numa_maps`, 'utf8'))).toBe('prefer:0');
  });

  function expectRefused(memoryPolicy: any, message: RegExp) {
    b = makeBundle(['sleep', '300'], (c) => (c.linux.memoryPolicy = memoryPolicy));
    expectCleanFailure(b, message);
  }

  it('a node the host lacks is refused at plan time, naming nodes', () => {
    expectRefused({ mode: 'MPOL_BIND', nodes: '7' }, /config\.json: \/linux\/memoryPolicy\/nodes: this host has no NUMA node 7 \(online: 0\)/);
  });

  it("the kernel's EINVAL (static nodes, none allowed) names the field", () => {
    expectRefused({ mode: 'MPOL_BIND', nodes: '7', flags: ['MPOL_F_STATIC_NODES'] }, /config\.json: \/linux\/memoryPolicy: the kernel refuses MPOL_BIND\|MPOL_F_STATIC_NODES \(set_mempolicy: EINVAL\)/);
  });
});
