/**
 * Jobs that exist to show the pipeline's behaviour in the demo and tests: one that fails a
 * given number of times before it succeeds, one that always fails, and one that only waits.
 * Their retry delays are seconds, not minutes, so the demo settles quickly.
 */
import { setTimeout as delay } from 'node:timers/promises';
import * as z from 'zod';
import { defineJob } from 'sqs-jobs';

export const flakyDemoJob = defineJob({
  name: 'demo.flaky',
  class: 'default',
  attempts: 4,
  backoff: [1, 2, 3],
  schema: z.object({ failuresBeforeSuccess: z.number().int().min(0).max(10) }),
  async handle({ failuresBeforeSuccess }, ctx) {
    if (ctx.attempt <= failuresBeforeSuccess) {
      throw new Error(`demo failure ${ctx.attempt} of ${failuresBeforeSuccess}`);
    }
    return { succeededOnAttempt: ctx.attempt };
  },
});

export const alwaysFailsDemoJob = defineJob({
  name: 'demo.always-fails',
  class: 'default',
  attempts: 3,
  backoff: [1, 2],
  schema: z.object({ reason: z.string().default('this job always fails') }),
  async handle({ reason }) {
    throw new Error(reason);
  },
});

export const sleepDemoJob = defineJob({
  name: 'demo.sleep',
  class: 'high-priority',
  backoff: [1],
  schema: z.object({ ms: z.number().int().min(0).max(60_000) }),
  async handle({ ms }, ctx) {
    // A demo delay standing in for real work; it honours the attempt's timeout signal.
    await delay(ms, undefined, { signal: ctx.signal });
    return { sleptMs: ms };
  },
});
