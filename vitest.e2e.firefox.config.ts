import { defineConfig } from 'vitest/config';

// End-to-end tests in Debian's firefox-esr, after `npm run build:test:firefox`.
export default defineConfig({
  test: {
    include: ['e2e/firefox/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    pool: 'forks',
  },
});
