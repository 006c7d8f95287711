import { defineConfig } from 'vitest/config';

// End-to-end tests: real Chromium with the built extension against the real local servers.
export default defineConfig({
  test: {
    environment: 'node',
    include: ['test/e2e/**/*.e2e.ts'],
    fileParallelism: false,
    // scripts/e2e.mjs and scripts/test-all.mjs build with `--mode e2e` into these folders.
    env: { PMP_EXTENSION_DIR: '.output/chrome-mv3-e2e', PMP_FIREFOX_EXTENSION_DIR: '.output/firefox-mv2-e2e' },
    globalSetup: ['./test/e2e/global-setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
