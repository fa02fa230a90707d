import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // One worker per core (vitest's default leaves one core to itself, which on a 2-core
    // machine runs the test files one at a time; the main process is mostly idle).
    maxWorkers: Math.max(2, availableParallelism()),
  },
});
