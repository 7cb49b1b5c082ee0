/**
 * The first delivery of a lean job (`tracking: 'lean'`): the handler runs without a claim, and a
 * success writes nothing but the batch's aggregate. A failure hands the error back, and the
 * caller claims the job then (creating its record) and settles the failure as for any job, so a
 * lean job that retries or fails is tracked from then on.
 *
 * What this gives up, by design: a duplicate delivery (SQS is at-least-once) may run the job
 * twice, and a job cancelled before it starts still runs.
 */
import type { SQSRecord } from 'aws-lambda';
import type { AnyJobDefinition, JobContext, JobLogger } from '../../shared/define-job.ts';
import { releaseJob } from '../../shared/define-job.ts';
import type { Envelope } from '../../shared/envelope.ts';
import type { JobMetrics } from './job-metrics.ts';
import { runWithTimeout } from './run-with-timeout.ts';
import { withKeys } from './dead-lettering.ts';

export type LeanOutcome = { readonly ok: true } | { readonly ok: false; readonly error: unknown };

/**
 * Runs without a claim only on a first delivery (any later one may follow a failure or a crash),
 * and never for a workflow member, whose completion advances its batch or chain.
 */
export function isLeanFirstDelivery(envelope: Envelope, record: SQSRecord): boolean {
  return envelope.lean === true && envelope.gen === 1 && envelope.deadLettered !== true && envelope.wf === undefined && Number(record.attributes.ApproximateReceiveCount ?? '1') <= 1;
}

/** The same test on the raw record, before the envelope is decoded (a malformed body is not lean). */
export function looksLeanFirstDelivery(record: SQSRecord): boolean {
  if (Number(record.attributes.ApproximateReceiveCount ?? '1') > 1 || !record.body.includes('"lean"')) return false;
  try {
    const body = JSON.parse(record.body) as { lean?: unknown; gen?: unknown; deadLettered?: unknown; wf?: unknown };
    return body.lean === true && body.gen === 1 && body.deadLettered !== true && body.wf === undefined;
  } catch {
    return false;
  }
}

export async function runLean(deps: {
  readonly definition: AnyJobDefinition;
  readonly payload: unknown;
  readonly envelope: Envelope;
  readonly maxAttempts: number;
  readonly timeoutMs: number;
  readonly logger: JobLogger;
  readonly metrics: JobMetrics;
  readonly now: () => number;
}): Promise<LeanOutcome> {
  const { envelope, now } = deps;
  const startMs = now();
  const controller = new AbortController();
  const context: JobContext = {
    jobId: envelope.id,
    jobName: envelope.job,
    attempt: 1,
    maxAttempts: deps.maxAttempts,
    enqueuedAt: new Date(envelope.enqueuedAt),
    signal: controller.signal,
    logger: withKeys(deps.logger, { jobId: envelope.id, jobName: envelope.job, attempt: 1 }),
    // No record to write progress to: a lean job's progress is not kept.
    setProgress: async () => undefined,
    release: releaseJob,
  };
  try {
    await runWithTimeout(() => deps.definition.handle(deps.payload, context), deps.timeoutMs, controller);
  } catch (error) {
    return { ok: false, error };
  }
  deps.metrics.waited(envelope.job, startMs - Date.parse(envelope.enqueuedAt));
  deps.metrics.completed(envelope.job, now() - startMs);
  return { ok: true };
}
