// Unit and integration tests: real SQLite, real ONNX, real child processes; no browser.
// End-to-end tests have their own config in test/e2e.
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/unit/**/*.test.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    pool: 'forks',
  },
});
