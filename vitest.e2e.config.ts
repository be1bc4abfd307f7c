import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['e2e/**/*.test.ts'],
    // Firefox has its own harness and build (vitest.e2e.firefox.config.ts).
    exclude: ['e2e/firefox/**', '**/node_modules/**'],
    testTimeout: 120_000,
    hookTimeout: 180_000,
    fileParallelism: false,
    // expect.poll waits on what a user would see; its 1 s default is shorter than a loaded 2-core CI machine
    // takes to carry a message from the engine back to a page (CI failed on that once). A poll only waits
    // longer for the state it names, so this loosens no assertion.
    expect: { poll: { timeout: 10_000, interval: 50 } },
    pool: 'forks',
  },
});
