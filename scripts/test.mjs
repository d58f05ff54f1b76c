// npm test: the unit lane always; the integration lane (real containers) when running as root.
// Ends with one plain "N passed, N failed, N skipped" line.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const lanes = ['unit'];
if (process.getuid?.() === 0) lanes.push('integration');
else console.log('test: not root, skipping the integration lane');

const dir = mkdtempSync(join(tmpdir(), 'berth-vitest-'));
const report = join(dir, 'report.json');
const args = ['vitest', 'run', ...lanes.flatMap((l) => ['--project', l]), '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)];
const r = spawnSync('npx', args, { stdio: 'inherit', env: { ...process.env, PATH: `${process.cwd()}/node_modules/.bin:${process.env.PATH}` } });
// The cgroup v2 lane (docs/CGROUPS.md): the cgroup test files again, inside a pure-cgroup2 VM;
// as root, on a full run (no vitest arguments), unless BERTH_SKIP_CGROUP2_VM=1.
const runVm = process.getuid?.() === 0 && process.env.BERTH_SKIP_CGROUP2_VM !== '1' && process.argv.length <= 2;
const vmReport = join(dir, 'vm-report.json');
const vm = runVm ? spawnSync('bash', ['scripts/cgroup2-vm/run.sh'], { stdio: 'inherit', env: { ...process.env, BERTH_VM_REPORT: vmReport } }) : { status: 0 };
const counts = { passed: 0, failed: 0, skipped: 0 };
let complete = true;
for (const file of runVm ? [report, vmReport] : [report]) {
  try {
    const j = JSON.parse(readFileSync(file, 'utf8'));
    counts.passed += j.numPassedTests;
    counts.failed += j.numFailedTests;
    counts.skipped += (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0);
  } catch {
    complete = false;
  }
}
console.log(complete ? `\ntests: ${counts.passed} passed, ${counts.failed} failed, ${counts.skipped} skipped` : '\ntests: no report (vitest did not finish)');
rmSync(dir, { recursive: true, force: true });
process.exit(r.status !== 0 ? (r.status ?? 1) : (vm.status ?? 1));
