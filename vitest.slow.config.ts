import { defineConfig } from 'vitest/config';

// Opt-in long suites (real learning runs): `npm run test:slow`.
export default defineConfig({
  test: {
    include: ['test/slow/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 1_800_000,
    hookTimeout: 600_000,
    pool: 'forks',
  },
});
