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
try {
  const j = JSON.parse(readFileSync(report, 'utf8'));
  const skipped = (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0);
  console.log(`\ntests: ${j.numPassedTests} passed, ${j.numFailedTests} failed, ${skipped} skipped`);
} catch {
  console.log('\ntests: no report (vitest did not finish)');
}
rmSync(dir, { recursive: true, force: true });
process.exit(r.status ?? 1);
