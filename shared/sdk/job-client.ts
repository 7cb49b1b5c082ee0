/**
 * The enqueue SDK. A plain job is one SQS message: its record is written by its first claim.
 * A job whose enqueue must read the table (idempotency key, unique, debounce, a delay beyond
 * SQS's 15 minutes) is first recorded as `queued` or `scheduled` (conditionally, which is what
 * makes a key work), then sent; if the send fails the record is removed again and the call
 * rejects, so a caller never holds the id of a job that will not run.
 *
 * @example
 * const jobs = createJobClient({ registry, config: loadPipelineConfig(), clients: createAwsClients() });
 * const job = await jobs.enqueue('report.generate', { reportId: 'r-1', rows: 100 });
 * const results = await jobs.enqueueMany([{ job: 'webhook.send', payload: { url, body } }]);
 */
import { SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../aws-clients.ts';
import { mapWithConcurrency } from '../concurrency.ts';
import { EnqueueError, InvalidOptionError, JobStateConflictError, SqsJobsError, errorMessage, isErrorNamed } from '../errors.ts';
import type { DefinitionOf, JobNameOf, JobRegistry, PayloadOf } from '../job-registry.ts';
import type { JobStatus } from '../lifecycle.ts';
import type { PipelineConfig } from '../pipeline-config.ts';
import { createStatusStore, type StatusStore } from '../status-store/status-store.ts';
import type { JobRecord } from '../status-store/job-record.ts';
import { createUniqueLocks } from '../status-store/unique-locks.ts';
import { debounceEnqueue, debouncedOptions } from './debounce-enqueue.ts';
import { uniqueHolder } from './unique-enqueue.ts';
import { prepareJob, type EnqueueOptions, type PreparedJob } from './prepare-job.ts';
import { waitForJob, type WaitForOptions } from './wait-for-job.ts';
import { createWorkflowClient, type WorkflowClient } from './workflow-client.ts';

export interface EnqueuedJob {
  readonly id: string;
  readonly name: string;
  readonly class: string;
  /** `queued` for a new job; the stored status when an idempotency key matched an earlier job. */
  readonly status: JobStatus;
  /** True when an idempotency key or a unique key matched an earlier job and nothing was sent. */
  readonly duplicate: boolean;
}

export type EnqueueManyResult =
  | { readonly ok: true; readonly job: EnqueuedJob }
  | { readonly ok: false; readonly error: SqsJobsError };

export type EnqueueEntry<R> = {
  [N in JobNameOf<R>]: { readonly job: N; readonly payload: PayloadOf<R, N>; readonly options?: EnqueueOptions };
}[JobNameOf<R>];

export interface JobClientOptions<R extends JobRegistry> {
  readonly registry: R;
  readonly config: PipelineConfig;
  readonly clients: AwsClients;
  readonly store?: StatusStore;
  /** Longest delay left to SQS; later jobs wait as `scheduled`. Tests shrink it. @defaultValue 900 */
  readonly maxQueueDelaySeconds?: number;
  readonly now?: () => number;
}

/** Chains, batches and waiting for them come from workflow-client.ts. */
export interface JobClient<R extends JobRegistry> extends WorkflowClient<R> {
  enqueue<N extends JobNameOf<R>>(
    job: N | DefinitionOf<R, N>,
    payload: PayloadOf<R, N>,
    options?: EnqueueOptions,
  ): Promise<EnqueuedJob>;
  /** One result per entry, in order; SendMessageBatch carries up to 10 messages per request. */
  enqueueMany(entries: readonly EnqueueEntry<R>[]): Promise<EnqueueManyResult[]>;
  /**
   * Cancels a job: at once when it has not started (scheduled, queued, or waiting for a retry);
   * a running job gets a cancel request (`cancel-requested`), which its consumer sees within
   * a few seconds: it aborts `ctx.signal` and settles the job `cancelled`, not retried.
   * `by` is recorded with the request. @defaultValue by: 'sdk' (the record then says `cancelled by request`)
   */
  cancel(id: string, options?: { by?: string }): Promise<{ id: string; status: 'cancelled' | 'cancel-requested' }>;
  /** Resolves with the record once the job is completed, failed or cancelled (see wait-for-job.ts). */
  waitFor(id: string, options?: WaitForOptions): Promise<JobRecord>;
  readonly store: StatusStore;
}

const SQS_BATCH_ENTRIES = 10;
/**
 * A repeated idempotency key finds a job that was never picked up and is older than this: its
 * first enqueue may have died between the record and the send, so the message goes out again
 * (the consumer's claim makes a duplicate harmless). Younger jobs are simply waiting.
 */
const UNSENT_SUSPECT_AFTER_MS = 5 * 60_000;
const SQS_BATCH_BYTES = 1_048_576;
const RECORD_WRITE_CONCURRENCY = 16;

export function createJobClient<R extends JobRegistry>(options: JobClientOptions<R>): JobClient<R> {
  const { registry, config, clients } = options;
  const now = options.now ?? Date.now;
  const store = options.store ?? createStatusStore({ documentClient: clients.dynamodb, tableName: config.tableName, now });

  /** New job id → the waiting job it replaces (debounce `last`), cancelled once the new one is sent. */
  const replaced = new Map<string, string>();
  const cancelReplaced = async (id: string) => {
    const old = replaced.get(id);
    replaced.delete(id);
    // Already started: then both run, as two enqueues outside a burst would.
    if (old) await store.cancel(old, `debounced: replaced by ${id}`).catch(() => undefined);
  };
  const uniqueLocks = createUniqueLocks({ documentClient: clients.dynamodb, tableName: config.tableName, now });
  const settings = (nowMs: number) => ({
    nowMs,
    ...(options.maxQueueDelaySeconds !== undefined ? { maxQueueDelaySeconds: options.maxQueueDelaySeconds } : {}),
  });

  async function record(prepared: PreparedJob): Promise<{ created: boolean; job: EnqueuedJob; resend: boolean }> {
    if (!prepared.recordAtEnqueue) {
      // Its first claim writes the record: a plain enqueue is one SQS request and no write.
      const { id, name, class: className } = prepared.record;
      return { created: true, resend: false, job: { id, name, class: className, status: 'queued', duplicate: false } };
    }
    try {
      const holder = await uniqueHolder({
        definition: registry.get(prepared.record.name),
        payload: prepared.envelope.payload,
        jobId: prepared.record.id,
        locks: uniqueLocks,
        get: store.get,
        nowMs: now(),
      });
      const debounced = await debounceEnqueue({
        definition: registry.get(prepared.record.name),
        payload: prepared.envelope.payload,
        jobId: prepared.record.id,
        db: clients.dynamodb,
        tableName: config.tableName,
        get: store.get,
      });
      const existing = holder ?? (debounced.kind === 'existing' ? debounced.job : undefined);
      if (existing) {
        return { created: false, resend: false, job: { id: existing.id, name: existing.name, class: existing.class, status: existing.status, duplicate: true } };
      }
      if (debounced.kind === 'proceed' && debounced.replaces) replaced.set(prepared.record.id, debounced.replaces);
      const outcome = await store.createQueued(prepared.record);
      const stored = outcome.record;
      // The SDK retried a PutItem whose response was lost: the record it finds is this call's own.
      const ours =
        stored.enqueuedAt === prepared.record.enqueuedAt && stored.gen === 1 && (stored.status === 'queued' || stored.status === 'scheduled');
      const created = outcome.created || ours;
      const neverPickedUp =
        !created && stored.status === 'queued' && stored.gen === 1 && stored.attempts === 0 && (stored.nextAttemptAt ?? 0) <= now();
      return {
        created,
        resend: neverPickedUp && now() - Date.parse(stored.statusAt) > UNSENT_SUSPECT_AFTER_MS,
        job: { id: stored.id, name: stored.name, class: stored.class, status: stored.status, duplicate: !created },
      };
    } catch (error) {
      throw new EnqueueError(
        `could not record job "${prepared.record.name}" in table ${config.tableName}: ${errorMessage(error)}`,
        { cause: error },
      );
    }
  }

  /** Removes the record of a job whose message did not go out, then explains why. */
  async function sendFailed(prepared: PreparedJob, cause: unknown): Promise<EnqueueError> {
    let cleanup = '';
    try {
      if (prepared.recordAtEnqueue) await store.removeUnsent(prepared.record.id, prepared.envelope.gen);
    } catch (removeError) {
      cleanup = `; its queued record ${prepared.record.id} could not be removed either (${errorMessage(removeError)})`;
    }
    return new EnqueueError(
      `could not send job "${prepared.record.name}" to the ${prepared.record.class} queue: ${errorMessage(cause)}${cleanup}`,
      { cause },
    );
  }

  return {
    ...createWorkflowClient<R>({ registry, config, clients, store, now, ...(options.maxQueueDelaySeconds !== undefined ? { maxQueueDelaySeconds: options.maxQueueDelaySeconds } : {}) }),
    store,

    async enqueue(job, payload, enqueueOptions = {}) {
      const prepared = prepareJob(registry, job, payload, debouncedOptions(registry.get(typeof job === 'string' ? job : job.name), enqueueOptions), config, settings(now()));
      const { created, job: enqueued, resend } = await record(prepared);
      // A scheduled job is sent by the dispatcher when it is due.
      if (created && prepared.record.scheduled) await cancelReplaced(enqueued.id);
      if ((!created && !resend) || prepared.record.scheduled) return enqueued;
      try {
        await clients.sqs.send(
          new SendMessageCommand({
            QueueUrl: prepared.queueUrl,
            MessageBody: prepared.body,
            ...(prepared.delay > 0 ? { DelaySeconds: prepared.delay } : {}),
          }),
        );
      } catch (error) {
        // A re-send leaves the existing record alone; a first send takes its record back.
        if (resend) throw new EnqueueError(`could not re-send job ${enqueued.id}: ${errorMessage(error)}`, { cause: error });
        replaced.delete(enqueued.id);
        throw await sendFailed(prepared, error);
      }
      await cancelReplaced(enqueued.id);
      return enqueued;
    },

    async cancel(id, cancelOptions = {}) {
      const by = cancelOptions.by ?? 'sdk';
      const reason = cancelOptions.by === undefined ? 'cancelled by request' : `cancelled by ${by}`;
      // Two rounds: the job may start (or stop) running between the two conditional writes.
      for (let round = 0; ; round++) {
        try {
          await store.cancel(id, reason);
          return { id, status: 'cancelled' };
        } catch (error) {
          if (!isErrorNamed(error, JobStateConflictError)) throw error;
        }
        try {
          await store.requestCancel(id, by);
          return { id, status: 'cancel-requested' };
        } catch (error) {
          if (!isErrorNamed(error, JobStateConflictError)) throw error;
        }
        // No record: the job has not started yet (or never existed). A cancelled record in its
        // place makes its first claim, which creates records only where none exists, drop it.
        if ((await store.get(id)) === undefined && (await store.cancelUnstarted(id, reason))) return { id, status: 'cancelled' };
        if (round === 1) break;
      }
      const job = await store.get(id);
      throw new InvalidOptionError(job ? `job ${id} is ${job.status}; only scheduled, queued or retrying jobs can be cancelled, and running ones asked to stop` : `no job with id "${id}"`);
    },

    waitFor: (id, waitOptions) => waitForJob(store, id, waitOptions),

    async enqueueMany(entries) {
      const results: EnqueueManyResult[] = new Array(entries.length);
      const toSend: { index: number; prepared: PreparedJob; job: EnqueuedJob }[] = [];
      const nowMs = now();
      await mapWithConcurrency(entries, RECORD_WRITE_CONCURRENCY, async (entry, index) => {
        try {
          const prepared = prepareJob(registry, entry.job, entry.payload, debouncedOptions(registry.get(typeof entry.job === 'string' ? entry.job : (entry.job as { name: string }).name), entry.options ?? {}), config, settings(nowMs));
          const { created, job } = await record(prepared);
          if (created && !prepared.record.scheduled) toSend.push({ index, prepared, job });
          else results[index] = { ok: true, job };
        } catch (error) {
          results[index] = { ok: false, error: asSqsJobsError(error) };
        }
      });

      toSend.sort((a, b) => a.index - b.index);
      for (const batch of sendBatches(toSend)) {
        const byId = new Map(batch.map((item) => [String(item.index), item]));
        let failures: { id: string; cause: unknown }[] = [];
        try {
          const response = await clients.sqs.send(
            new SendMessageBatchCommand({
              QueueUrl: batch[0]!.prepared.queueUrl,
              Entries: batch.map(({ index, prepared }) => ({
                Id: String(index),
                MessageBody: prepared.body,
                ...(prepared.delay > 0 ? { DelaySeconds: prepared.delay } : {}),
              })),
            }),
          );
          for (const ok of response.Successful ?? []) {
            const item = byId.get(ok.Id ?? '');
            if (item) results[item.index] = { ok: true, job: item.job };
          }
          failures = (response.Failed ?? []).map((f) => ({
            id: f.Id ?? '',
            cause: new Error(`${f.Code ?? 'error'}: ${f.Message ?? 'no message'}`),
          }));
        } catch (error) {
          failures = batch.map((item) => ({ id: String(item.index), cause: error }));
        }
        for (const { id, cause } of failures) {
          const item = byId.get(id);
          if (item) results[item.index] = { ok: false, error: await sendFailed(item.prepared, cause) };
        }
      }
      for (const result of results) {
        if (result.ok) await cancelReplaced(result.job.id);
      }
      for (const id of [...replaced.keys()]) if (results.every((r) => !r.ok || r.job.id !== id)) replaced.delete(id);
      return results;
    },
  };
}

/** Groups messages by queue into SendMessageBatch requests within the count and size limits. */
function sendBatches<T extends { prepared: PreparedJob }>(items: readonly T[]): T[][] {
  const batches: T[][] = [];
  const open = new Map<string, { items: T[]; bytes: number }>();
  for (const item of items) {
    const bytes = Buffer.byteLength(item.prepared.body);
    let current = open.get(item.prepared.queueUrl);
    if (!current || current.items.length === SQS_BATCH_ENTRIES || current.bytes + bytes > SQS_BATCH_BYTES) {
      current = { items: [], bytes: 0 };
      batches.push(current.items);
      open.set(item.prepared.queueUrl, current);
    }
    current.items.push(item);
    current.bytes += bytes;
  }
  return batches;
}

function asSqsJobsError(error: unknown): SqsJobsError {
  return error instanceof SqsJobsError ? error : new EnqueueError(errorMessage(error), { cause: error });
}
