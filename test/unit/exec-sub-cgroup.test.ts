import { describe, it, expect } from 'vitest';
import { parseSubCgroups, withSubCgroups } from '../../src/cgroups/exec-sub-cgroup.js';

const v1 = { layout: 'hybrid', paths: { cpu: '/cg/cpu,cpuacct/c1', cpuacct: '/cg/cpu,cpuacct/c1', memory: '/cg/memory/c1', '': '/cg/unified/c1' }, created: [] } as any;

describe('exec --cgroup (runc forms)', () => {
  it('PATH alone moves every hierarchy; CTRL:PATH one controller and those mounted with it', () => {
    expect(withSubCgroups(v1, parseSubCgroups(['s'])).paths).toEqual({ cpu: '/cg/cpu,cpuacct/c1/s', cpuacct: '/cg/cpu,cpuacct/c1/s', memory: '/cg/memory/c1/s', '': '/cg/unified/c1/s' });
    expect(withSubCgroups(v1, parseSubCgroups(['cpu:a/b'])).paths).toMatchObject({ cpu: '/cg/cpu,cpuacct/c1/a/b', cpuacct: '/cg/cpu,cpuacct/c1/a/b', memory: '/cg/memory/c1' });
    expect(withSubCgroups(v1, parseSubCgroups(['memory,cpu:x'])).paths).toMatchObject({ cpu: '/cg/cpu,cpuacct/c1/x', memory: '/cg/memory/c1/x' });
  });
  it('refuses paths leaving the container, unknown controllers, bad forms', () => {
    expect(() => withSubCgroups(v1, parseSubCgroups(['memory:../other']))).toThrow(/\.\.\/other is not a sub cgroup path/);
    expect(() => withSubCgroups(v1, parseSubCgroups(['../../x']))).toThrow(/\.\.\/\.\.\/x is not a sub cgroup path/);
    expect(() => withSubCgroups(v1, parseSubCgroups(['pids:x']))).toThrow(/unknown controller pids/);
    expect(() => parseSubCgroups(['a:b:c'])).toThrow(/\[CONTROLLER/);
    expect(() => parseSubCgroups(['x', 'memory:y'])).toThrow(/only --cgroup/);
  });
});
