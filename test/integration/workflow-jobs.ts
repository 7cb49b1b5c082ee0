/**
 * Jobs for the workflow tests. Each run is recorded with its id and payload, so tests can
 * assert order, result passing and "exactly once"; SQS and DynamoDB stay real.
 */
import { z } from 'zod';
import { defineJob } from '../../shared/define-job.ts';
import { NonRetryableError } from '../../shared/errors.ts';
import { createJobRegistry } from '../../shared/job-registry.ts';

export interface WorkflowRun {
  readonly jobId: string;
  readonly job: string;
  readonly payload: unknown;
  readonly at: number;
}
export const wfRuns: WorkflowRun[] = [];
export const runsOfJob = (jobId: string) => wfRuns.filter((run) => run.jobId === jobId);
export const runsNamed = (job: string) => wfRuns.filter((run) => run.job === job);

/** Step names the `wf.flaky-step` jobs fail on until a test lets them pass. */
export const failing = new Set<string>();

const record = (job: string, jobId: string, payload: unknown) => wfRuns.push({ jobId, job, payload, at: Date.now() });

export const stepJob = defineJob({
  name: 'wf.step',
  class: 'default',
  schema: z.object({ label: z.string(), previous: z.object({ labels: z.array(z.string()) }).optional() }),
  async handle(payload, ctx) {
    record('wf.step', ctx.jobId, payload);
    // Each step passes the labels so far: the result the next step declared it takes.
    return { labels: [...(payload.previous?.labels ?? []), payload.label] };
  },
});

export const flakyStepJob = defineJob({
  name: 'wf.flaky-step',
  class: 'default',
  attempts: 1,
  schema: z.object({ label: z.string() }),
  async handle(payload, ctx) {
    record('wf.flaky-step', ctx.jobId, payload);
    if (failing.has(payload.label)) throw new NonRetryableError(`step ${payload.label} fails`);
    return { ok: payload.label };
  },
});

export const noopJob = defineJob({
  name: 'wf.noop',
  class: 'default',
  schema: z.object({ i: z.number() }),
  async handle(_payload, ctx) {
    // Not recorded per run: the 1,000-member batch counts its members from the batch item.
    noopRuns.set(ctx.jobId, (noopRuns.get(ctx.jobId) ?? 0) + 1);
  },
});
export const noopRuns = new Map<string, number>();

export const callbackJob = defineJob({
  name: 'wf.callback',
  class: 'high-priority',
  schema: z.object({ tag: z.string() }),
  async handle(payload, ctx) {
    record('wf.callback', ctx.jobId, payload);
  },
});

/** A callback whose own tracking is lean: its workflow must still run it once. */
export const leanCallbackJob = defineJob({
  name: 'wf.lean-callback',
  class: 'high-priority',
  tracking: 'lean',
  schema: z.object({ tag: z.string() }),
  async handle(payload, ctx) {
    record('wf.lean-callback', ctx.jobId, payload);
  },
});

export const workflowRegistry = createJobRegistry([stepJob, flakyStepJob, noopJob, callbackJob, leanCallbackJob]);
