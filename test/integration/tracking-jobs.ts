/** Jobs for the tracking tests: lean and full, one that fails a set number of times. */
import { z } from 'zod';
import { defineJob } from '../../shared/define-job.ts';
import { createJobRegistry } from '../../shared/job-registry.ts';

export const trackingRuns: { readonly id: string; readonly job: string; readonly attempt: number }[] = [];
export const runsOf = (id: string) => trackingRuns.filter((run) => run.id === id);

const schema = z.object({ n: z.number(), failTimes: z.number().default(0) });
const handle = async ({ failTimes }: { failTimes: number }, ctx: { jobId: string; jobName: string; attempt: number }) => {
  trackingRuns.push({ id: ctx.jobId, job: ctx.jobName, attempt: ctx.attempt });
  if (ctx.attempt <= failTimes) throw new Error(`planned failure ${ctx.attempt}`);
  return { ok: true };
};

export const leanJob = defineJob({ name: 'tracking.lean', class: 'default', tracking: 'lean', attempts: 3, backoff: [1, 1], schema, handle });
export const fullJob = defineJob({ name: 'tracking.full', class: 'default', attempts: 3, backoff: [1, 1], schema, handle });

/** Its retryUntil has always passed: no attempt may start, lean or not. */
export const expiredLeanJob = defineJob({
  name: 'tracking.lean-expired',
  class: 'default',
  tracking: 'lean',
  retryUntil: (enqueuedAt) => new Date(enqueuedAt.getTime() - 1000),
  schema,
  handle,
});

export const trackingRegistry = createJobRegistry([leanJob, fullJob, expiredLeanJob]);
