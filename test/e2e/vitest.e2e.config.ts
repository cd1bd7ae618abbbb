// End-to-end tests: the real browser host (`canvass serve`) started by each test file on a
// fresh data folder, driven with Playwright in the system Chromium. One fork at a time, long
// timeouts (first-run setup hashes passwords, the Seattle import parses 93k rows).
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/e2e/**/*.e2e.ts'],
    globalSetup: ['test/e2e/support/global-setup.ts'],
    testTimeout: 240_000,
    hookTimeout: 120_000,
    pool: 'forks',
    fileParallelism: false,
    maxWorkers: 1,
  },
});
