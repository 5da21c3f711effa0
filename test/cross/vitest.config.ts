import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Opt-in end-to-end tests in real runtimes (`npm run test:cross`): the browser
// demo in headless Chromium and the example Worker in workerd. They need the
// tools that `node scripts/crosscheck.mjs --install-only` installs and a built dist/.
export default defineConfig({
  root: fileURLToPath(new URL('../..', import.meta.url)),
  test: {
    include: ['test/cross/e2e/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 300_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
  },
});
