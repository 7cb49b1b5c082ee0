/** A job for the concurrency-key test: it counts how many of its key run at once. */
import { setTimeout as wait } from 'node:timers/promises';
import { z } from 'zod';
import { defineJob } from '../../shared/define-job.ts';
import { createJobRegistry } from '../../shared/job-registry.ts';

export const PER_KEY = 2;
export const runningNow = new Map<string, number>();
export const mostAtOnce = new Map<string, number>();

export const keyedJob = defineJob({
  name: 'conc.keyed',
  class: 'default',
  concurrency: { limit: PER_KEY, key: (payload) => payload.tenant },
  schema: z.object({ tenant: z.string(), n: z.number() }),
  async handle({ tenant }) {
    const now = (runningNow.get(tenant) ?? 0) + 1;
    runningNow.set(tenant, now);
    mostAtOnce.set(tenant, Math.max(mostAtOnce.get(tenant) ?? 0, now));
    try {
      await wait(200); // the job's own work: long enough for others of its key to arrive meanwhile
    } finally {
      runningNow.set(tenant, (runningNow.get(tenant) ?? 1) - 1);
    }
  },
});

export const concurrencyRegistry = createJobRegistry([keyedJob]);
