// globalSetup of the integration lane: the containers of test/helpers/bundle.ts live under a
// shared relative parent, `berth-test/<id>`. berth leaves a parent it made for one container
// when another container's cgroup is in it at delete time (as runc leaves parents), so after
// the lane's last test the tests remove that parent themselves, in every hierarchy, where empty.
import { readdirSync, rmdirSync } from 'node:fs';
import { join } from 'node:path';
import { realEnv, resolveCgroupPaths } from '../../src/cgroups/path.js';

export const TEST_CGROUP_PARENT = 'berth-test';

function removeEmptyTree(dir: string): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // not there
  }
  for (const e of entries) if (e.isDirectory()) removeEmptyTree(join(dir, e.name));
  try {
    rmdirSync(dir);
  } catch {
    // a process is still in it: the leak checks report that
  }
}

export function teardown(): void {
  if (process.getuid?.() !== 0) return;
  const { paths } = resolveCgroupPaths({ cgroupsPath: TEST_CGROUP_PARENT, id: 'unused' }, realEnv());
  for (const dir of new Set(Object.values(paths))) removeEmptyTree(dir);
}
