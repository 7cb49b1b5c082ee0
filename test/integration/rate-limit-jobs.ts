/** Jobs for the rate-limit test: each run's start time, by key. */
import { z } from 'zod';
import { defineJob } from '../../shared/define-job.ts';
import { createJobRegistry } from '../../shared/job-registry.ts';

export const starts: { readonly job: string; readonly key: string; readonly at: number; readonly id: string }[] = [];

export const RATE = 10;
export const KEYED_RATE = 5;

export const limitedJob = defineJob({
  name: 'rate.limited',
  class: 'default',
  rateLimit: { limit: RATE, perSeconds: 1 },
  schema: z.object({ n: z.number() }),
  async handle(_payload, ctx) {
    starts.push({ job: ctx.jobName, key: '-', at: Date.now(), id: ctx.jobId });
  },
});

export const keyedJob = defineJob({
  name: 'rate.keyed',
  class: 'default',
  rateLimit: { limit: KEYED_RATE * 2, perSeconds: 2, key: (payload) => payload.tenant },
  schema: z.object({ tenant: z.string(), n: z.number() }),
  async handle({ tenant }, ctx) {
    starts.push({ job: ctx.jobName, key: tenant, at: Date.now(), id: ctx.jobId });
  },
});

export const rateRegistry = createJobRegistry([limitedJob, keyedJob]);
