/**
 * Enqueues workflow jobs under deterministic ids (`<workflow>.<position>`, `<workflow>.then`),
 * idempotently. A plain job is only sent (its first claim records it): sent twice, the consumer's
 * claim still runs one id and generation once, while a missing message would strand the
 * workflow. A job whose enqueue needs its record (a long delay) is recorded conditionally first,
 * and sent again when its record exists but was never picked up.
 *
 * @example
 * await ensureJobs(ctx, [{ id: 'b-1.0', step: { job: 'a', payload: {} }, wf: { kind: 'batch', id: 'b-1', at: 0 } }]);
 */
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../aws-clients.ts';
import { mapWithConcurrency } from '../concurrency.ts';
import { encodeEnvelope } from '../envelope.ts';
import { EnqueueError, errorMessage } from '../errors.ts';
import type { JobRegistry } from '../job-registry.ts';
import type { PipelineConfig } from '../pipeline-config.ts';
import { prepareJob, type PreparedJob } from '../sdk/prepare-job.ts';
import type { StatusStore } from '../status-store/status-store.ts';
import type { CallbackSpec, JobStep, WorkflowRef } from './workflow-types.ts';

export interface WorkflowEnqueueContext {
  readonly registry: JobRegistry;
  readonly config: PipelineConfig;
  readonly clients: AwsClients;
  readonly store: StatusStore;
  readonly now: () => number;
  readonly maxQueueDelaySeconds?: number;
}

export interface WorkflowJob {
  readonly id: string;
  readonly step: JobStep | CallbackSpec;
  /** Membership; absent for callbacks, which are plain jobs. */
  readonly wf?: WorkflowRef;
  /** The payload to send when it differs from the step's (a result passed in). */
  readonly payload?: unknown;
}

const RECORD_CONCURRENCY = 16;
const SQS_BATCH_ENTRIES = 10;
const SQS_BATCH_BYTES = 1_048_576;

/** Validates and builds the record and message of a workflow job; throws what prepareJob throws. */
export function prepareWorkflowJob(ctx: WorkflowEnqueueContext, job: WorkflowJob): PreparedJob {
  const { step } = job;
  const prepared = prepareJob(
    ctx.registry,
    step.job,
    job.payload ?? step.payload,
    { ...(step.options ?? {}) },
    ctx.config,
    { nowMs: ctx.now(), ...(ctx.maxQueueDelaySeconds !== undefined ? { maxQueueDelaySeconds: ctx.maxQueueDelaySeconds } : {}) },
  );
  // Never lean: a workflow job may be sent more than once, and only its claim makes it run once.
  const { lean: _lean, ...plain } = prepared.envelope;
  const envelope = { ...plain, id: job.id, ...(job.wf ? { wf: job.wf } : {}) };
  const body = encodeEnvelope(envelope);
  const { scheduled } = prepared.record;
  return {
    ...prepared,
    envelope,
    body,
    record: { ...prepared.record, id: job.id, ...(scheduled ? { scheduled: { ...scheduled, message: body } } : {}) },
  };
}

/** Records and sends each job unless it already went out; rejects when any could not be. */
export async function ensureJobs(ctx: WorkflowEnqueueContext, jobs: readonly WorkflowJob[]): Promise<void> {
  const prepared = jobs.map((job) => prepareWorkflowJob(ctx, job));
  const toSend: PreparedJob[] = [];
  await mapWithConcurrency(prepared, RECORD_CONCURRENCY, async (job) => {
    if (!job.recordAtEnqueue) {
      toSend.push(job);
      return;
    }
    const { created, record } = await ctx.store.createQueued(job.record);
    // A scheduled job is sent by the dispatcher from its stored message.
    if (job.record.scheduled) return;
    const neverPickedUp = record.status === 'queued' && record.gen === 1 && record.attempts === 0;
    if (created || neverPickedUp) toSend.push(job);
  });
  await sendAll(ctx.clients, toSend);
}

async function sendAll(clients: AwsClients, jobs: readonly PreparedJob[]): Promise<void> {
  const groups = new Map<string, PreparedJob[][]>();
  for (const job of jobs) {
    const batches = groups.get(job.queueUrl) ?? [[]];
    groups.set(job.queueUrl, batches);
    let current = batches[batches.length - 1]!;
    const bytes = current.reduce((sum, j) => sum + Buffer.byteLength(j.body), 0);
    if (current.length === SQS_BATCH_ENTRIES || bytes + Buffer.byteLength(job.body) > SQS_BATCH_BYTES) {
      current = [];
      batches.push(current);
    }
    current.push(job);
  }
  const requests = [...groups.entries()].flatMap(([queueUrl, batches]) => batches.filter((b) => b.length > 0).map((batch) => ({ queueUrl, batch })));
  await mapWithConcurrency(requests, 4, async ({ queueUrl, batch }) => {
    const response = await clients.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: batch.map((job, index) => ({ Id: String(index), MessageBody: job.body, ...(job.delay > 0 ? { DelaySeconds: job.delay } : {}) })),
      }),
    );
    const failed = response.Failed ?? [];
    if (failed.length > 0) {
      // Their records stay queued and unsent: a repeated ensureJobs sends them.
      throw new EnqueueError(`could not send ${failed.length} workflow job(s): ${failed[0]?.Code ?? 'error'} ${failed[0]?.Message ?? ''}`.trim());
    }
  }).catch((error: unknown) => {
    throw error instanceof EnqueueError ? error : new EnqueueError(`could not send workflow jobs: ${errorMessage(error)}`, { cause: error });
  });
}
