import { defineConfig } from 'vitest/config';

// Lanes (DESIGN-NOTES §6): unit tests need no root; integration tests run real containers as
// root and are skipped elsewhere (test/helpers/root.ts); engines drive berth from real engines.
export default defineConfig({
  test: {
    projects: [
      {
        test: {
          name: 'unit',
          include: ['test/unit/**/*.test.ts'],
          testTimeout: 20_000,
        },
      },
      {
        test: {
          name: 'integration',
          include: ['test/integration/**/*.test.ts'],
          // Removes the tests' shared cgroup parent (berth-test) after the lane.
          globalSetup: ['test/helpers/cgroup-parent.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Containers are real: keep parallelism low on a 2-core machine.
          maxWorkers: 2,
          minWorkers: 1,
        },
      },
      {
        // Private containerd / Podman / Docker instances driving bin/berth and runc side by side
        // (test/engines/). One file at a time: each starts its own daemon.
        test: {
          name: 'engines',
          include: ['test/engines/**/*.test.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
          fileParallelism: false,
        },
      },
      {
        // One test per MUST/SHOULD of runtime.md and runtime-linux.md (conformance/spec/).
        test: {
          name: 'conformance',
          include: ['conformance/spec/**/*.test.ts'],
          globalSetup: ['test/helpers/cgroup-parent.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          maxWorkers: 2,
          minWorkers: 1,
        },
      },
    ],
  },
});
