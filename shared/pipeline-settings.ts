/**
 * Pipeline-wide settings beside the priority classes: resource names, retention and the
 * operational thresholds that the CloudWatch alarms and the `sqs-jobs monitor` CLI share.
 */

export const pipelineSettings = {
  /** Prefix of every queue and table name. */
  namePrefix: 'sqs-jobs',
  /** Days a job record is kept after it finished, enforced with DynamoDB TTL on `expiresAt`. */
  retention: {
    completedDays: 7,
    /** `null`: a failed job stays until an operator retries, forgets or flushes it. */
    failedDays: null as number | null,
    unfinishedDays: 30,
  },
  /**
   * SQS retention of the work queues and of the dead-letter queues (AWS maximum: 14 days, at no
   * extra cost). A job's worst-case span must fit the work-queue retention (shared/queue-span.ts):
   * SQS deletes an expired message without dead-lettering it.
   */
  queueRetentionDays: 14,
  dlqRetentionDays: 14,
  /** SQS's longest message delay; jobs due later wait in the table as `scheduled`. */
  maxQueueDelaySeconds: 900,
  /** Longest delay or run-at distance accepted on enqueue. */
  maxDelaySeconds: 365 * 86_400,
  /** SQS message size limit, set explicitly on every queue (1 MiB since 2025). */
  maxMessageBytes: 1_048_576,
  thresholds: {
    queueDepth: { warning: 500, critical: 1000 },
    /** `sqs-jobs monitor`: the floor of the oldest-message highlight (raised by a class's retry span). */
    oldestMessageAgeSeconds: 300,
    /** Alarm when the slowest jobs (p99) waited longer than this from their due time to their start. */
    waitTimeSeconds: 300,
    failureRate: { warning: 0.05, critical: 0.1, minJobs: 10 },
    dlqDepth: 0,
  },
} as const;

/** `queueRetentionDays` in seconds, as the span check compares it. */
export function queueRetentionSeconds(days: number = pipelineSettings.queueRetentionDays): number {
  return days * 86_400;
}

export function queueName(prefix: string, className: string): string {
  return `${prefix}-${className}`;
}

export function deadLetterQueueName(prefix: string, className: string): string {
  return `${prefix}-${className}-dlq`;
}

export function tableName(prefix: string): string {
  return `${prefix}-jobs`;
}
