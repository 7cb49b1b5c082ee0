/**
 * Sends `scheduled` jobs that fall due within the look-ahead window to their class queues,
 * with `DelaySeconds` covering the rest of the wait, so a job runs on time to the second even
 * though the dispatcher itself runs only every minute. The message goes out before the record
 * says `queued`: a crash in between sends it twice next time, and the consumer runs it once.
 *
 * @example
 * const { dispatched } = await dispatchDueJobs({ clients, config });
 */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../../shared/aws-clients.ts';
import { mapWithConcurrency } from '../../shared/concurrency.ts';
import { errorMessage } from '../../shared/errors.ts';
import type { PipelineConfig } from '../../shared/pipeline-config.ts';
import { pipelineSettings } from '../../shared/pipeline-settings.ts';
import { batchGetJobs } from '../../shared/status-store/batch-get.ts';
import { statusIndexIds } from '../../shared/status-store/status-index.ts';
import { createStatusStore, retentionFor, type StatusStore } from '../../shared/status-store/status-store.ts';

export interface DispatchOptions {
  readonly clients: AwsClients;
  readonly config: PipelineConfig;
  readonly store?: StatusStore;
  readonly now?: () => number;
  /** Jobs due within this many seconds are sent now, with the remaining wait as delay. @defaultValue 900 */
  readonly lookAheadSeconds?: number;
  /** Most jobs one run sends; the rest wait for the next run. @defaultValue 2000 */
  readonly limit?: number;
  readonly onError?: (jobId: string, error: unknown) => void;
}

export interface DispatchResult {
  readonly dispatched: number;
  /** Cancelled, or dispatched by another run, between the query and the update. */
  readonly skipped: number;
  readonly failed: number;
}

export async function dispatchDueJobs(options: DispatchOptions): Promise<DispatchResult> {
  const { clients, config } = options;
  const now = options.now ?? Date.now;
  const store = options.store ?? createStatusStore({ documentClient: clients.dynamodb, tableName: config.tableName, retention: retentionFor(config), now });
  const lookAheadMs = (options.lookAheadSeconds ?? pipelineSettings.maxQueueDelaySeconds) * 1000;
  // The index sorts scheduled jobs by due time: the earliest first.
  const ids = await statusIndexIds(clients.dynamodb, config.tableName, {
    status: 'scheduled',
    until: new Date(now() + lookAheadMs).toISOString(),
    order: 'oldest',
    limit: options.limit ?? 2000,
  });
  const jobs = await batchGetJobs(clients.dynamodb, config.tableName, ids);

  let dispatched = 0;
  let skipped = 0;
  let failed = 0;
  await mapWithConcurrency(jobs, 16, async (job) => {
    const location = config.queues[job.class];
    if (job.status !== 'scheduled' || !job.pendingMessage || job.dueAt === undefined || !location) {
      skipped++;
      return;
    }
    try {
      const delaySeconds = Math.min(900, Math.max(0, Math.ceil((job.dueAt - now()) / 1000)));
      await clients.sqs.send(
        new SendMessageCommand({ QueueUrl: location.queueUrl, MessageBody: job.pendingMessage, DelaySeconds: delaySeconds }),
      );
    } catch (error) {
      failed++;
      options.onError?.(job.id, error);
      return;
    }
    try {
      await store.markDispatched(job.id, job.dueAt);
      dispatched++;
    } catch (error) {
      // Cancelled meanwhile: the consumer drops the message it finds cancelled.
      skipped++;
      options.onError?.(job.id, new Error(`sent but not marked queued: ${errorMessage(error)}`));
    }
  });
  return { dispatched, skipped, failed };
}
