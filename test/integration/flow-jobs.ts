/** Jobs for the flow-control tests (pause, cancel): each records its runs for the test to count. */
import { z } from 'zod';
import { defineJob } from '../../shared/define-job.ts';
import { createJobRegistry } from '../../shared/job-registry.ts';

export const flowRuns: { readonly job: string; readonly id: string; readonly payload: unknown; readonly at: number }[] = [];
export const flowRunsOf = (id: string) => flowRuns.filter((run) => run.id === id);

/** Runs on `high-priority`, the class the pause test pauses. */
export const urgentJob = defineJob({
  name: 'flow.urgent',
  class: 'high-priority',
  schema: z.object({ n: z.number() }),
  async handle(payload, ctx) {
    flowRuns.push({ job: ctx.jobName, id: ctx.jobId, payload, at: Date.now() });
  },
});

/** A `default` bystander. */
export const plainJob = defineJob({
  name: 'flow.plain',
  class: 'default',
  schema: z.object({ n: z.number() }),
  async handle(payload, ctx) {
    flowRuns.push({ job: ctx.jobName, id: ctx.jobId, payload, at: Date.now() });
  },
});

export const flowRegistry = createJobRegistry([urgentJob, plainJob]);
