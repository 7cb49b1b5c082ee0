import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The CLI tests spawn the built CLI; build it once up front.
    globalSetup: ['test/global-setup.ts'],
    // Integration tests start their own emulators on random ports; CDK synth tests bundle code.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
