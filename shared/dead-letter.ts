/**
 * Message attributes the consumer puts on a message it moves to a dead-letter queue, so the
 * DLQ says why each job is there. The CLI reads the same names.
 *
 * @example
 * deadLetterAttributes({ reason: 'attempts exhausted (3/3): …', jobId, jobName, attempts: 3, failedAt });
 */
import type { MessageAttributeValue } from '@aws-sdk/client-sqs';

export const deadLetterAttributeNames = {
  reason: 'sqsjobs.reason',
  failedAt: 'sqsjobs.failedAt',
  jobId: 'sqsjobs.jobId',
  jobName: 'sqsjobs.jobName',
  attempts: 'sqsjobs.attempts',
  sourceMessageId: 'sqsjobs.sourceMessageId',
} as const;

/** SQS attribute values count toward the 1 MiB message limit; a reason need not be longer. */
const REASON_MAX_CHARS = 2048;

export interface DeadLetterFacts {
  readonly reason: string;
  readonly failedAt: string;
  readonly sourceMessageId: string;
  readonly jobId?: string;
  readonly jobName?: string;
  readonly attempts?: number;
}

export function deadLetterAttributes(facts: DeadLetterFacts): Record<string, MessageAttributeValue> {
  const text = (value: string): MessageAttributeValue => ({ DataType: 'String', StringValue: value });
  const names = deadLetterAttributeNames;
  return {
    [names.reason]: text(facts.reason.slice(0, REASON_MAX_CHARS) || 'unknown'),
    [names.failedAt]: text(facts.failedAt),
    [names.sourceMessageId]: text(facts.sourceMessageId),
    ...(facts.jobId ? { [names.jobId]: text(facts.jobId) } : {}),
    ...(facts.jobName ? { [names.jobName]: text(facts.jobName) } : {}),
    ...(facts.attempts !== undefined
      ? { [names.attempts]: { DataType: 'Number', StringValue: String(facts.attempts) } }
      : {}),
  };
}
