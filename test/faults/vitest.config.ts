/**
 * The fault-injection suite (`npx vitest run --config test/faults/vitest.config.ts`). Its file is
 * named `*.faults.ts`, so the main `vitest run` (test/**\/*.test.ts) does not pick it up.
 * Sizes come from the environment: see sizes in fault-suite.faults.ts.
 */
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/faults/**/*.faults.ts'],
    // One long run; its own deadlines end it well before this.
    testTimeout: 15 * 60_000,
    hookTimeout: 60_000,
    fileParallelism: false,
  },
});
