/**
 * How long a job's message may legitimately stay in its work queue, worst case, and the check
 * that this fits the queue's retention: SQS deletes an expired message without moving it to the
 * DLQ, so a job whose span exceeds the retention could vanish with its record still unfinished.
 *
 * The span adds up, for one job on its class:
 * - every attempt running to its timeout (`attempts × timeout`);
 * - the backoff delay after every attempt but the last (jitter at its worst: none);
 * - every release put back for the longest a release may wait
 *   (`maxReleases × MAX_RELEASE_DELAY_SECONDS`);
 * - every remaining receive the redrive policy allows, each holding the message for the queue's
 *   visibility timeout (throttled deliveries, hand-backs, duplicates held back):
 *   `(REDRIVE_MAX_RECEIVES − attempts − releases) × visibility timeout`.
 *
 * @example
 * queueSpanSeconds(defaultPriorityClasses['low-priority']);   // 354600 (4.1 days)
 * queueSpanProblems(jobRegistry.definitions, jobRegistry.classes, queueRetentionSeconds());
 */
import { retryDelaySeconds, type BackoffPolicy } from './backoff.ts';
import {
  DEFAULT_MAX_RELEASES,
  MAX_RELEASE_DELAY_SECONDS,
  REDRIVE_MAX_RECEIVES,
  visibilityTimeoutSeconds,
  type PriorityClass,
  type PriorityClassCatalog,
} from './priority-classes.ts';

/** The parts of a job definition that lengthen its span; unset ones take the class's value. */
export interface JobSpanSettings {
  readonly attempts?: number;
  readonly backoff?: BackoffPolicy;
  readonly timeoutSeconds?: number;
  readonly maxReleases?: number;
}

/** A job as `queueSpanProblems` reads it: its name, class and span settings. */
export interface SpanSubject extends JobSpanSettings {
  readonly name: string;
  readonly class: string;
}

/** The span and its parts, in seconds, so a message can show where the time goes. */
export interface QueueSpan {
  readonly attempts: number;
  readonly timeoutSeconds: number;
  readonly backoffSeconds: number;
  readonly releases: number;
  readonly releaseSeconds: number;
  readonly spareReceives: number;
  readonly visibilityTimeoutSeconds: number;
  readonly totalSeconds: number;
}

const DAY_SECONDS = 86_400;

/** The worst-case span of a job with `job`'s settings on `cls`; without `job`, a job using the class defaults. */
export function queueSpan(cls: PriorityClass, job: JobSpanSettings = {}): QueueSpan {
  const attempts = Math.max(1, Math.floor(job.attempts ?? cls.attempts));
  const timeoutSeconds = job.timeoutSeconds ?? cls.timeoutSeconds;
  const policy = worstCase(job.backoff ?? cls.backoff);
  let backoffSeconds = 0;
  for (let attempt = 1; attempt < attempts; attempt++) backoffSeconds += retryDelaySeconds(policy, attempt);
  const releases = Math.max(0, Math.floor(job.maxReleases ?? DEFAULT_MAX_RELEASES));
  const releaseSeconds = releases * MAX_RELEASE_DELAY_SECONDS;
  const spareReceives = Math.max(0, REDRIVE_MAX_RECEIVES - attempts - releases);
  const visibility = visibilityTimeoutSeconds(cls);
  return {
    attempts,
    timeoutSeconds,
    backoffSeconds,
    releases,
    releaseSeconds,
    spareReceives,
    visibilityTimeoutSeconds: visibility,
    totalSeconds: attempts * timeoutSeconds + backoffSeconds + releaseSeconds + spareReceives * visibility,
  };
}

/** `queueSpan(cls, job).totalSeconds`. */
export function queueSpanSeconds(cls: PriorityClass, job: JobSpanSettings = {}): number {
  return queueSpan(cls, job).totalSeconds;
}

/**
 * One message per job whose span exceeds `retentionSeconds`, naming the job, its class and the
 * numbers. Jobs whose class is not in `classes` are skipped: the registry reports those itself.
 */
export function queueSpanProblems(
  definitions: readonly SpanSubject[],
  classes: PriorityClassCatalog,
  retentionSeconds: number,
): string[] {
  const problems: string[] = [];
  for (const definition of definitions) {
    const cls = Object.hasOwn(classes, definition.class) ? classes[definition.class] : undefined;
    if (!cls) continue;
    const span = queueSpan(cls, definition);
    if (span.totalSeconds > retentionSeconds) {
      problems.push(spanProblem(`job "${definition.name}" on class "${definition.class}"`, span, retentionSeconds));
    }
  }
  return problems;
}

/** The sentence both the registry and the CDK construct use for a span over the retention. */
export function spanProblem(subject: string, span: QueueSpan, retentionSeconds: number): string {
  return (
    `${subject}: worst-case queue span ${span.totalSeconds} s (${days(span.totalSeconds)}) exceeds the work-queue ` +
    `retention of ${retentionSeconds} s (${days(retentionSeconds)}), and SQS deletes an expired message without ` +
    `dead-lettering it. Span = ${span.attempts} attempts × ${span.timeoutSeconds} s + ${span.backoffSeconds} s backoff + ` +
    `${span.releases} releases × ${MAX_RELEASE_DELAY_SECONDS} s + ${span.spareReceives} spare receives × ` +
    `${span.visibilityTimeoutSeconds} s visibility timeout; lower attempts, backoff, maxReleases or the class timeout`
  );
}

function days(seconds: number): string {
  return `${Math.round((seconds / DAY_SECONDS) * 10) / 10} days`;
}

/** Full jitter picks a delay up to the computed one, so the un-jittered delay is the worst case. */
function worstCase(policy: BackoffPolicy): BackoffPolicy {
  return 'type' in policy ? { ...policy, jitter: 'none' } : policy;
}
