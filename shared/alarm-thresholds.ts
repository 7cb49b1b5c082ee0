/**
 * The oldest-message threshold derived from a priority class, as pure functions: the
 * `sqs-jobs monitor` CLI highlights a class's oldest queued message with it. The CloudWatch
 * alarms watch `JobWaitTime` (due time to start) instead, which a retry's backoff does not lengthen.
 *
 * A message waiting out its retry backoff stays in the queue and still counts toward SQS's
 * `ApproximateAgeOfOldestMessage`, so a class whose retries span an hour would trip a fixed
 * five-minute limit on every ordinary retry.
 *
 * @example
 * retrySpanSeconds(priorityClasses.notifications);                  // 2940
 * oldestMessageAgeThresholdSeconds(priorityClasses['high-priority']); // 300 (the floor)
 */
import { retryDelaySeconds, type BackoffPolicy } from './backoff.ts';
import { pipelineSettings } from './pipeline-settings.ts';
import type { PriorityClass } from './priority-classes.ts';

/** The parts of a priority class that decide how long its retries take. */
export type RetrySchedule = Pick<PriorityClass, 'attempts' | 'backoff' | 'timeoutSeconds'>;

/** The part of `pipelineSettings` the threshold reads; another floor can be passed the same way. */
export interface OldestMessageAgeSettings {
  readonly thresholds: { readonly oldestMessageAgeSeconds: number };
}

/**
 * Longest time a job of this class can legitimately stay in its queue once first received:
 * every attempt running to its timeout, plus the backoff delay after each attempt but the last.
 * Jitter is ignored, since its worst case is the un-jittered delay. Job- or enqueue-level
 * overrides of attempts and backoff are not known here; only the class defaults count.
 */
export function retrySpanSeconds(cls: RetrySchedule): number {
  const attempts = Math.max(1, Math.floor(cls.attempts));
  const policy = withoutJitter(cls.backoff);
  let delays = 0;
  for (let attempt = 1; attempt < attempts; attempt++) delays += retryDelaySeconds(policy, attempt);
  return delays + attempts * cls.timeoutSeconds;
}

/**
 * Seconds above which the class's oldest message is alarming: the configured floor
 * (`thresholds.oldestMessageAgeSeconds`, 300 by default) or the class's retry span, whichever
 * is longer.
 */
export function oldestMessageAgeThresholdSeconds(
  cls: RetrySchedule,
  settings: OldestMessageAgeSettings = pipelineSettings,
): number {
  return Math.max(settings.thresholds.oldestMessageAgeSeconds, retrySpanSeconds(cls));
}

function withoutJitter(policy: BackoffPolicy): BackoffPolicy {
  return 'type' in policy ? { ...policy, jitter: 'none' } : policy;
}
