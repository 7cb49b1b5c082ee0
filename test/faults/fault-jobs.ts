/**
 * The fault suite's jobs. Each handler writes one line to the effects file (FAULT_EFFECTS_FILE)
 * as its last act, with appendFileSync, so what a run did survives a SIGKILL of the consumer
 * process: `done` for a run that is about to return successfully (the job's effect), `threw`
 * for a run that is about to fail. JobContext carries no generation; nothing in this suite
 * re-arms a job (no retry, no redrive), so every run is of generation 1.
 */
import { appendFileSync } from 'node:fs';
import { z } from 'zod';
import { defineJob, type JobContext } from '../../shared/define-job.ts';
import { NonRetryableError } from '../../shared/errors.ts';
import { createJobRegistry } from '../../shared/job-registry.ts';
import type { PriorityClass } from '../../shared/priority-classes.ts';

export interface EffectLine {
  readonly jobId: string;
  readonly job: string;
  readonly gen: number;
  readonly attempt: number;
  readonly pid: number;
  readonly at: number;
  readonly outcome: 'done' | 'threw';
}

export const EFFECTS_FILE_ENV = 'FAULT_EFFECTS_FILE';

function effect(ctx: JobContext, outcome: EffectLine['outcome']): void {
  const file = process.env[EFFECTS_FILE_ENV];
  if (!file) return;
  const line: EffectLine = { jobId: ctx.jobId, job: ctx.jobName, gen: 1, attempt: ctx.attempt, pid: process.pid, at: Date.now(), outcome };
  appendFileSync(file, `${JSON.stringify(line)}\n`);
}

/** A little work, so that kills land inside handlers too. */
const work = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const small: PriorityClass = {
  timeoutSeconds: 10,
  attempts: 3,
  backoff: [1, 2],
  batchSize: 10,
  batchWindowSeconds: 0,
  maxConcurrency: 3,
  recordParallelism: 10,
  memoryMb: 128,
};

/** Real class names with test-sized settings: retries in seconds, crashed batches back in ~15 s. */
export const faultClasses = { default: small, 'high-priority': { ...small, batchSize: 5, maxConcurrency: 2 } } as const;

export const okJob = defineJob({
  name: 'faults.ok',
  class: 'default',
  schema: z.object({ seq: z.number().int(), ms: z.number().int() }),
  async handle({ seq, ms }, ctx) {
    await work(ms);
    effect(ctx, 'done');
    return { seq };
  },
});

export const urgentJob = defineJob({
  name: 'faults.urgent',
  class: 'high-priority',
  schema: z.object({ seq: z.number().int() }),
  async handle({ seq }, ctx) {
    effect(ctx, 'done');
    return { seq };
  },
});

/** Fails its first `failures` attempts, then succeeds (attempts to spare for one lost attempt). */
export const flakyJob = defineJob({
  name: 'faults.flaky',
  class: 'default',
  attempts: 5,
  backoff: [1, 1, 2, 2],
  schema: z.object({ seq: z.number().int(), failures: z.number().int() }),
  async handle({ seq, failures }, ctx) {
    if (ctx.attempt <= failures) {
      effect(ctx, 'threw');
      throw new Error(`planned failure ${ctx.attempt}/${failures}`);
    }
    effect(ctx, 'done');
    return { seq };
  },
});

export const alwaysFailsJob = defineJob({
  name: 'faults.always-fails',
  class: 'default',
  attempts: 2,
  backoff: [1],
  schema: z.object({ seq: z.number().int() }),
  async handle(_, ctx) {
    effect(ctx, 'threw');
    throw new Error('always fails');
  },
});

export const nonRetryableJob = defineJob({
  name: 'faults.non-retryable',
  class: 'high-priority',
  attempts: 3,
  schema: z.object({ seq: z.number().int() }),
  async handle(_, ctx) {
    effect(ctx, 'threw');
    throw new NonRetryableError('customer does not exist');
  },
});

export const faultRegistry = createJobRegistry([okJob, urgentJob, flakyJob, alwaysFailsJob, nonRetryableJob]);

/** What each job is meant to end as, without faults. */
export const expectedOutcome: Record<string, { status: 'completed' | 'failed'; reason?: RegExp }> = {
  'faults.ok': { status: 'completed' },
  'faults.urgent': { status: 'completed' },
  'faults.flaky': { status: 'completed' },
  'faults.always-fails': { status: 'failed', reason: /^attempts exhausted/ },
  'faults.non-retryable': { status: 'failed', reason: /customer does not exist/ },
};
