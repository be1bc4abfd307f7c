import { defineConfig } from 'vitest/config';
import { WxtVitest } from 'wxt/testing';

// Unit and integration tests (Node). End-to-end browser tests live in e2e/ and
// run from vitest.e2e.config.ts after a test build of the extension.
export default defineConfig({
  plugins: [WxtVitest()],
  test: {
    include: ['lib/**/*.test.ts', 'entrypoints/**/*.test.ts', 'components/**/*.test.{ts,tsx}', 'tests/**/*.test.ts', 'model_creation/tests/**/*.test.ts', 'bench/**/*.test.ts', 'scripts/**/*.test.ts'],
    testTimeout: 60_000,
    pool: 'forks',
  },
});
