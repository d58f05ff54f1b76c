import { defineConfig } from 'vitest/config';

// Two lanes (DESIGN-NOTES §6): unit tests need no root; integration tests run real
// containers as root and are skipped elsewhere (test/helpers/root.ts).
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
          testTimeout: 60_000,
          hookTimeout: 60_000,
          // Containers are real: keep parallelism low on a 2-core machine.
          maxWorkers: 2,
          minWorkers: 1,
        },
      },
    ],
  },
});
