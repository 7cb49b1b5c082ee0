/**
 * Jobs for the integration tests. Handlers record each call in `runs`, so tests can observe
 * attempts and their timing; SQS and DynamoDB stay real.
 */
import { z } from 'zod';
import { defineJob } from '../../shared/define-job.ts';
import { NonRetryableError } from '../../shared/errors.ts';
import { createJobRegistry } from '../../shared/job-registry.ts';

export interface Run {
  readonly jobId: string;
  readonly attempt: number;
  readonly at: number;
}
export const runs: Run[] = [];
export const runsOf = (jobId: string) => runs.filter((run) => run.jobId === jobId);

/** Gates that hold `test.gated` jobs until a test opens them. */
const gates = new Map<string, () => void>();
const gatePromises = new Map<string, Promise<void>>();
export function gate(name: string): Promise<void> {
  let promise = gatePromises.get(name);
  if (!promise) {
    promise = new Promise<void>((resolve) => gates.set(name, resolve));
    gatePromises.set(name, promise);
  }
  return promise;
}
export function openGate(name: string): void {
  void gate(name);
  gates.get(name)?.();
}

const record = (ctx: { jobId: string; attempt: number }) => runs.push({ jobId: ctx.jobId, attempt: ctx.attempt, at: Date.now() });

export const okJob = defineJob({
  name: 'test.ok',
  class: 'default',
  schema: z.object({ value: z.number() }),
  async handle({ value }, ctx) {
    record(ctx);
    return { doubled: value * 2 };
  },
});

export const flakyJob = defineJob({
  name: 'test.flaky',
  class: 'default',
  attempts: 3,
  backoff: [1, 2],
  schema: z.object({ failures: z.number().int() }),
  async handle({ failures }, ctx) {
    record(ctx);
    if (ctx.attempt <= failures) throw new Error(`planned failure ${ctx.attempt}`);
    return { attempt: ctx.attempt };
  },
});

export const alwaysFailsJob = defineJob({
  name: 'test.always-fails',
  class: 'default',
  attempts: 2,
  backoff: [1],
  schema: z.object({}),
  async handle(_, ctx) {
    record(ctx);
    throw new Error('always fails');
  },
  async onFailed(_, error, ctx) {
    failedHookCalls.push({ jobId: ctx.jobId, message: (error as Error).message });
  },
});
export const failedHookCalls: { jobId: string; message: string }[] = [];

export const nonRetryableJob = defineJob({
  name: 'test.non-retryable',
  class: 'default',
  attempts: 3,
  schema: z.object({}),
  async handle(_, ctx) {
    record(ctx);
    throw new NonRetryableError('customer does not exist');
  },
});

export const hangingJob = defineJob({
  name: 'test.hang',
  class: 'high-priority',
  attempts: 2,
  backoff: [1],
  timeoutSeconds: 1,
  schema: z.object({}),
  async handle(_, ctx) {
    record(ctx);
    // Ignores its abort signal on purpose: the consumer must still settle the attempt.
    return new Promise(() => undefined);
  },
});

/** Fails until the job's `succeedOnRun`-th run, counted across generations (retries, redrives). */
export const failsUntilJob = defineJob({
  name: 'test.fails-until',
  class: 'default',
  attempts: 3,
  backoff: [1],
  schema: z.object({ succeedOnRun: z.number().int() }),
  async handle({ succeedOnRun }, ctx) {
    record(ctx);
    const run = runsOf(ctx.jobId).length;
    if (run < succeedOnRun) throw new Error(`planned failure on run ${run}`);
    return { run };
  },
});

export const gatedJob = defineJob({
  name: 'test.gated',
  class: 'default',
  schema: z.object({ gate: z.string() }),
  async handle({ gate: name }, ctx) {
    record(ctx);
    await gate(name);
    return { opened: name };
  },
});

export const releasingJob = defineJob({
  name: 'test.release',
  class: 'default',
  attempts: 1,
  schema: z.object({}),
  async handle(_, ctx) {
    record(ctx);
    if (runsOf(ctx.jobId).length === 1) ctx.release(1);
    return { released: true };
  },
});

export const alwaysReleasingJob = defineJob({
  name: 'test.always-release',
  class: 'default',
  maxReleases: 3,
  schema: z.object({}),
  async handle(_, ctx) {
    record(ctx);
    ctx.release(0);
  },
});

export const testRegistry = createJobRegistry([
  alwaysReleasingJob,
  okJob,
  flakyJob,
  alwaysFailsJob,
  nonRetryableJob,
  hangingJob,
  failsUntilJob,
  gatedJob,
  releasingJob,
]);
