/**
 * The priority-class catalog: the one source of truth that the CDK stack, the Lambda consumers
 * and the local runtime all read. Each class gets its own queue, dead-letter queue and consumer.
 *
 * @example
 * import { priorityClasses } from './priority-classes.ts';
 * priorityClasses.reports.timeoutSeconds; // 300
 */
import type { BackoffPolicy } from './backoff.ts';

export interface PriorityClass {
  /** Consumer function timeout, and the default per-job timeout. */
  readonly timeoutSeconds: number;
  /** Attempts per job (first run included) unless the job or the enqueue call overrides it. */
  readonly attempts: number;
  /** Default retry delays; see `BackoffPolicy`. */
  readonly backoff: BackoffPolicy;
  /** Records per consumer invocation (SQS event source `batchSize`). */
  readonly batchSize: number;
  /** Seconds the event source may wait to fill a batch (0–300; > 0 required when batchSize > 10). */
  readonly batchWindowSeconds: number;
  /** Concurrent consumer invocations (event source `maximumConcurrency`, 2–1000). */
  readonly maxConcurrency: number;
  /** Records of one batch run at the same time inside one invocation. */
  readonly recordParallelism: number;
  /** Consumer memory. */
  readonly memoryMb: number;
}

/** Visibility timeout of a class's queue: AWS asks for at least 6× the function timeout. */
export const VISIBILITY_TIMEOUT_FACTOR = 6;

/** Seconds before the function deadline at which records not yet started are handed back. */
export const DEADLINE_MARGIN_SECONDS = 5;

export const priorityClasses = {
  'high-priority': {
    timeoutSeconds: 60,
    attempts: 3,
    backoff: [30, 60, 120],
    batchSize: 10,
    batchWindowSeconds: 0,
    maxConcurrency: 50,
    recordParallelism: 10,
    memoryMb: 512,
  },
  default: {
    timeoutSeconds: 120,
    attempts: 3,
    backoff: [60, 120, 300],
    batchSize: 10,
    batchWindowSeconds: 1,
    maxConcurrency: 20,
    recordParallelism: 10,
    memoryMb: 512,
  },
  notifications: {
    timeoutSeconds: 60,
    attempts: 5,
    backoff: [60, 180, 600, 1800, 3600],
    batchSize: 10,
    batchWindowSeconds: 1,
    maxConcurrency: 20,
    recordParallelism: 10,
    memoryMb: 256,
  },
  reports: {
    timeoutSeconds: 300,
    attempts: 2,
    backoff: [300, 600],
    batchSize: 1,
    batchWindowSeconds: 0,
    maxConcurrency: 5,
    recordParallelism: 1,
    memoryMb: 1024,
  },
  'low-priority': {
    timeoutSeconds: 600,
    attempts: 2,
    backoff: [600],
    batchSize: 10,
    batchWindowSeconds: 5,
    maxConcurrency: 2,
    recordParallelism: 2,
    memoryMb: 512,
  },
} as const satisfies Record<string, PriorityClass>;

export type PriorityClassName = keyof typeof priorityClasses;

export const priorityClassNames = Object.keys(priorityClasses) as PriorityClassName[];

export function isPriorityClassName(name: string): name is PriorityClassName {
  return Object.hasOwn(priorityClasses, name);
}

/** The queue visibility timeout derived from the function timeout, in exactly one place. */
export function visibilityTimeoutSeconds(cls: PriorityClass): number {
  return cls.timeoutSeconds * VISIBILITY_TIMEOUT_FACTOR;
}

/** Attempts a job may have at most: leaves receives to spare under `REDRIVE_MAX_RECEIVES`. */
export const MAX_ATTEMPTS = 25;

/**
 * Receives before SQS moves a message to the DLQ on its own. The job record counts real
 * attempts, and a crashed attempt still uses one up; this is only the safety net for a
 * consumer that dies before it can claim. Every delivery counts as a receive, also those that
 * run nothing: throttled ones, releases (`ctx.release`), hand-backs near the deadline, and
 * duplicates held back while a job runs or waits for its retry. So it sits far above the
 * attempts (AWS's minimum advice with Lambda is 5).
 */
export const REDRIVE_MAX_RECEIVES = 100;

export function redriveMaxReceiveCount(_cls: PriorityClass): number {
  return REDRIVE_MAX_RECEIVES;
}
