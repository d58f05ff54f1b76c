// npm test: the unit lane always; as root, the integration lane (real containers), the Node lane
// (a few integration files against bin/berth-node), then the
// engines lane (private containerd/Podman/Docker; it skips and says why where they are missing)
// and the spec checklist (conformance/spec). The root lanes after integration run in vitest runs
// of their own: their daemons and containers must not meet the integration lane's leak checks.
// The runtime-tools runner (conformance/runtime-tools.mjs) runs when RUNTIME_TOOLS_SRC names a
// built checkout, and says how to get one otherwise. Last, the cgroup v2 lane (docs/CGROUPS.md):
// the cgroup test files (and rootless berth in a delegated v2 subtree) again inside a
// pure-cgroup2 VM, as root, on a full run (no vitest arguments), unless BERTH_SKIP_CGROUP2_VM=1;
// then, in the same VM booted with systemd as PID 1 (BERTH_VM_SYSTEMD=1), the systemd cgroup
// driver's test file on cgroup v2 (with rootless berth through `systemd --user`), on v1 legacy
// (with the cgroup test files: the third layout) and on v1 hybrid; last, checkpoint/restore with CRIU
// (test/integration/checkpoint.test.ts and the engines' checkpoint files).
// Ends with the failed tests, if any, and one plain "N passed, N failed, N skipped" line.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const root = process.getuid?.() === 0;
// Every lane drives bin/berth, the single executable. The Node lane runs the files that cover
// the command paths and where Bun and Node differ against bin/berth-node (the same bundle on
// Node 24), so that nothing Bun-only creeps in.
const NODE_LANE = ['test/integration/engine-parity.test.ts', 'test/integration/lifecycle.test.ts', 'test/integration/cli.test.ts', 'test/integration/failures.test.ts', 'test/integration/hooks-stdin.test.ts', 'test/integration/terminal.test.ts'];
const runs = [{ lanes: root ? ['unit', 'integration'] : ['unit'] }];
if (root) runs.push({ lanes: ['integration'], files: NODE_LANE, env: { BERTH_BIN: `${process.cwd()}/bin/berth-node` } }, { lanes: ['engines'] }, { lanes: ['conformance'] });
else console.log('test: not root, skipping the integration, engines and conformance lanes');

const dir = mkdtempSync(join(tmpdir(), 'berth-vitest-'));
// The reports' dir goes on every exit, a run ended by a signal too (it left one behind once).
for (const [sig, n] of [['SIGINT', 2], ['SIGTERM', 15], ['SIGHUP', 1]]) {
  process.on(sig, () => {
    rmSync(dir, { recursive: true, force: true });
    process.exit(128 + n);
  });
}
const env = { ...process.env, PATH: `${process.cwd()}/node_modules/.bin:${process.env.PATH}` };
const total = { passed: 0, failed: 0, skipped: 0 };
/** The failed tests, "file > name: first line of the error", printed again at the end. */
const failures = [];
let status = 0;
let complete = true;
/** Adds a vitest JSON report's counts to the total. */
function addReport(file) {
  try {
    const j = JSON.parse(readFileSync(file, 'utf8'));
    total.passed += j.numPassedTests;
    total.failed += j.numFailedTests;
    total.skipped += (j.numPendingTests ?? 0) + (j.numTodoTests ?? 0);
    for (const f of j.testResults ?? []) {
      const file = String(f.name ?? '').replace(`${process.cwd()}/`, '');
      for (const t of f.assertionResults ?? []) {
        if (t.status !== 'failed') continue;
        const why = String(t.failureMessages?.[0] ?? '').split('\n')[0].slice(0, 300);
        failures.push(`${file} > ${t.fullName ?? t.title}: ${why}`);
      }
      // A file that failed before its tests ran (an import, a hook) has no failed test.
      if (f.status === 'failed' && !(f.assertionResults ?? []).some((t) => t.status === 'failed')) failures.push(`${file}: ${String(f.message ?? '').split('\n')[0].slice(0, 300)}`);
    }
  } catch {
    complete = false;
  }
}
runs.forEach(({ lanes, files, env: laneEnv }, i) => {
  const report = join(dir, `report-${i}.json`);
  // Extra arguments (a file filter) go to every run; a run they leave empty is not a failure.
  const extra = process.argv.slice(2);
  if (files && extra.length) return;
  if (laneEnv) console.log(`\ntest: the Node lane (${Object.entries(laneEnv).map(([k, v]) => `${k}=${v}`).join(' ')})`);
  const args = ['vitest', 'run', ...lanes.flatMap((l) => ['--project', l]), '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...(extra.length ? ['--passWithNoTests', ...extra] : []), ...(files ?? [])];
  const r = spawnSync('npx', args, { stdio: 'inherit', env: { ...env, ...laneEnv } });
  if (r.status !== 0) status = r.status ?? 1;
  addReport(report);
});
if (root) {
  const r = spawnSync(process.execPath, ['conformance/runtime-tools.mjs'], { stdio: 'inherit', env });
  if (r.status !== 0) status = r.status ?? 1;
}
if (root && process.env.BERTH_SKIP_CGROUP2_VM !== '1' && process.argv.length <= 2) {
  const FS = ['test/integration/cgroups.test.ts', 'test/integration/cgroups-lifecycle.test.ts'];
  const SYSTEMD = ['test/integration/cgroups-systemd.test.ts'];
  const vms = [
    // check.test.ts: berth check's cgroup v2 (and systemd) facts, one short file in each.
    // lsm-apparmor.test.ts: AppArmor profiles loaded and enforced for real (about 80-130 s more);
    // state-forkloop.test.ts: delete --force and kill --all against a fork loop filling pids.max.
    { name: 'unified', files: [...FS, 'test/integration/rootless-cgroup2.test.ts', 'test/integration/check.test.ts', 'test/integration/state-forkloop.test.ts', 'test/integration/lsm-apparmor.test.ts'], env: { BERTH_VM_APPARMOR: '1' } },
    { name: 'unified-systemd', files: [...SYSTEMD, 'test/integration/rootless-systemd.test.ts', 'test/integration/check.test.ts'], env: { BERTH_VM_SYSTEMD: '1' } },
    { name: 'legacy-systemd', files: [...FS, ...SYSTEMD], env: { BERTH_VM_SYSTEMD: '1', BERTH_VM_CGROUP: 'legacy' } },
    { name: 'hybrid-systemd', files: SYSTEMD, env: { BERTH_VM_SYSTEMD: '1', BERTH_VM_CGROUP: 'hybrid' } },
    // SELinux labels (docs/LSM.md): the reference policy loaded, permissive; about 4.5 minutes.
    { name: 'selinux', files: ['test/integration/lsm-selinux.test.ts'], env: { BERTH_VM_SELINUX: '1' } },
    // checkpoint/restore with CRIU, berth beside runc (docs/CHECKPOINT.md): criu check passes on
    // the VM's 6.1 kernel, not on every host's; the VM's root by switch_root, as CRIU needs.
    { name: 'checkpoint', files: ['test/integration/checkpoint.test.ts', 'test/engines/podman-checkpoint.test.ts', 'test/engines/containerd-checkpoint.test.ts'], args: ['--project', 'engines'], env: { BERTH_VM_CRIU: '1' } },
  ];
  for (const vm of vms) {
    const report = join(dir, `vm-${vm.name}-report.json`);
    const r = spawnSync('bash', ['scripts/cgroup2-vm/run.sh', ...vm.files, ...(vm.args ?? [])], { stdio: 'inherit', env: { ...env, ...vm.env, BERTH_VM_REPORT: report } });
    if (r.status !== 0) status = r.status ?? 1;
    addReport(report);
  }
}
// Repeated here, last, so that a log's tail names what failed.
if (failures.length) console.log(`\nfailed:\n${failures.map((f) => `- ${f}`).join('\n')}`);
console.log(`\ntests: ${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped${complete ? '' : ' (a vitest run gave no report)'}`);
rmSync(dir, { recursive: true, force: true });
process.exit(status);
