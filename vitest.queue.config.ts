import { defineConfig } from 'vitest/config';

// The real-Redis suite of `sweep --queue` / `worker` (needs redis-server on the
// PATH): `npm run test:queue`, run by .ci/run.
export default defineConfig({
  test: {
    include: ['test/queue/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    pool: 'forks',
    // One file at a time: each starts its own redis-server and worker processes, on a 2-core machine.
    fileParallelism: false,
  },
});
