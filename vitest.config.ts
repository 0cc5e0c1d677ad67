import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['tests/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60 * 60_000,
    // Integration tests share one local Kafka and one InfluxDB; running files one at a time keeps
    // the two-core machine from timing out on broker start-up.
    fileParallelism: false,
    reporters: ['default'],
  },
});
