/** Jobs for the debounce test: each run's payload. */
import { z } from 'zod';
import { defineJob } from '../../shared/define-job.ts';
import { createJobRegistry } from '../../shared/job-registry.ts';

export const debounceRuns: { readonly job: string; readonly id: string; readonly n: number }[] = [];
const schema = z.object({ user: z.string(), n: z.number() });

export const lastWins = defineJob({
  name: 'debounce.last',
  class: 'default',
  debounce: { key: (p) => p.user, seconds: 1, mode: 'last' },
  schema,
  async handle({ n }, ctx) {
    debounceRuns.push({ job: ctx.jobName, id: ctx.jobId, n });
  },
});

export const firstWins = defineJob({
  name: 'debounce.first',
  class: 'default',
  debounce: { key: (p) => p.user, seconds: 1, mode: 'first' },
  schema,
  async handle({ n }, ctx) {
    debounceRuns.push({ job: ctx.jobName, id: ctx.jobId, n });
  },
});

export const debounceRegistry = createJobRegistry([lastWins, firstWins]);
