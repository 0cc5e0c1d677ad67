import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 60_000,
    hookTimeout: 60 * 60_000,
    // Integration tests share one local Kafka and one InfluxDB; running files one at a time keeps
    // the two-core machine from timing out on broker start-up.
    fileParallelism: false,
    reporters: ['default'],
    setupFiles: ['tests/support/fastCheckSeed.ts'],
    // Two projects so that only a run that includes integration tests starts (and on a fresh
    // machine installs) Kafka and InfluxDB: vitest runs a project's globalSetup only when one of
    // its files is selected. `include` lives in the projects: `extends: true` would append to it.
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['tests/**/*.test.ts'],
          exclude: ['tests/integration/**', '**/node_modules/**'],
        },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['tests/integration/**/*.test.ts'],
          globalSetup: ['tests/integration/globalSetup.ts'],
          // The slow-consumer test measures the live heap, after a collection.
          execArgv: ['--expose-gc'],
        },
      },
    ],
  },
});
