/**
 * Visibility changes of one invocation, sent together: one ChangeMessageVisibilityBatch per
 * ten records instead of one request each. They go out when the batch is settled, before its
 * response returns, so a record reported as failed has its new visibility already. If the
 * function dies first, the messages come back after the queue's own visibility timeout
 * (later than planned, never lost), and the job record still says when the job is due.
 *
 * @example
 * const changes = collectVisibilityChanges(sqs, queueUrl, logger);
 * changes.set(record, 30);
 * await changes.flush();
 */
import { ChangeMessageVisibilityBatchCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import type { JobLogger } from '../../shared/define-job.ts';
import { errorMessage } from '../../shared/errors.ts';

export interface VisibilityChanges {
  /** The record becomes visible again `seconds` from when the batch is flushed. */
  set(record: SQSRecord, seconds: number): void;
  flush(): Promise<void>;
}

const SQS_BATCH_ENTRIES = 10;

/** SQS caps a message's total visibility at 12 hours from when it was received. */
const MAX_TOTAL_VISIBILITY_SECONDS = 43_200;

export function collectVisibilityChanges(
  sqs: SQSClient,
  queueUrl: string,
  logger: JobLogger,
  receivedAtMs: number = Date.now(),
  now: () => number = Date.now,
): VisibilityChanges {
  const pending = new Map<string, { record: SQSRecord; seconds: number }>();
  return {
    set(record, seconds) {
      pending.set(record.messageId, { record, seconds });
    },
    async flush() {
      const entries = [...pending.values()];
      pending.clear();
      // What is left of the 12 hours since the batch was received (a minute spare for clock drift).
      const cap = Math.max(0, MAX_TOTAL_VISIBILITY_SECONDS - Math.ceil((now() - receivedAtMs) / 1000) - 60);
      for (let start = 0; start < entries.length; start += SQS_BATCH_ENTRIES) {
        const chunk = entries.slice(start, start + SQS_BATCH_ENTRIES);
        try {
          const response = await sqs.send(
            new ChangeMessageVisibilityBatchCommand({
              QueueUrl: queueUrl,
              Entries: chunk.map(({ record, seconds }, i) => ({
                Id: String(i),
                ReceiptHandle: record.receiptHandle,
                VisibilityTimeout: Math.min(seconds, cap),
              })),
            }),
          );
          for (const failed of response.Failed ?? []) {
            // A stale receipt handle (another delivery of the same message): the job record,
            // not this message's timing, decides when the job runs.
            logger.warn('could not change message visibility', {
              messageId: chunk[Number(failed.Id)]?.record.messageId,
              error: failed.Code,
            });
          }
        } catch (error) {
          logger.warn('could not change message visibility', { messages: chunk.length, error: errorMessage(error) });
        }
      }
    },
  };
}
