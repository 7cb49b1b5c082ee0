import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// The example app imports the package by name, as a user's app does; here that is the source.
const source = (path: string) => fileURLToPath(new URL(path, import.meta.url));

export default defineConfig({
  resolve: {
    alias: [
      { find: /^sqs-jobs$/, replacement: source('./shared/index.ts') },
      { find: /^sqs-jobs\/cdk$/, replacement: source('./cdk/index.ts') },
      { find: /^sqs-jobs\/lambda$/, replacement: source('./lambdas/index.ts') },
      { find: /^sqs-jobs\/local$/, replacement: source('./local/index.ts') },
      { find: /^sqs-jobs\/dashboard$/, replacement: source('./dashboard/index.ts') },
    ],
  },
  test: {
    include: ['test/**/*.test.ts'],
    // The CLI tests spawn the built CLI; build the package once up front.
    globalSetup: ['test/global-setup.ts'],
    // Integration tests start their own emulators on random ports; CDK synth tests bundle code.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
