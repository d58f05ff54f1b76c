/**
 * Test hook for the moments of `create` a runtime can be killed at: with
 * BERTH_TEST_STOP_AT=<name>, berth stops itself (SIGSTOP) when it reaches the point of that
 * name, so a test can SIGKILL it exactly there (test/integration/security-kill-create.test.ts).
 * Without the variable this is a no-op.
 */
export type StopPoint = 'before-cgroup' | 'after-cgroup' | 'init-pid' | 'ready' | 'before-state';

export function stopPoint(name: StopPoint): void {
  if (process.env.BERTH_TEST_STOP_AT === name) process.kill(process.pid, 'SIGSTOP');
}
