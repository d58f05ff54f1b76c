// The plan of `berth spec`'s default config (no terminal) after an edit, for unit tests of the
// plan builders: container c1 in bundle /b.
import { containerPlan, type ContainerPlanInput } from '../../src/plan/container.js';
import { defaultConfig } from '../../src/spec/default-config.js';

export function planOfDefault(edit: (c: any) => void, extra: Partial<ContainerPlanInput> = {}) {
  const config = defaultConfig();
  config.process.terminal = false;
  edit(config);
  return containerPlan({
    id: 'c1', bundle: '/b', rootfs: '/b/rootfs', config, startSocket: '/run/berth/c1/exec.sock',
    cgroupProcs: [], noPivot: false, preserveFds: 0, ...extra,
  });
}
