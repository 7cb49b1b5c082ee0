/**
 * Priority classes: each gets its own queue, dead-letter queue and consumer. An application uses
 * the package's defaults or passes its own catalog to `createJobRegistry`; the registry then
 * carries it to the SDK, the consumers, the local runtime, the CLI and the CDK construct.
 *
 * @example
 * const classes = definePriorityClasses({
 *   ...defaultPriorityClasses,
 *   bulk: { ...defaultPriorityClasses['low-priority'], maxConcurrency: 5 },
 * });
 * const jobRegistry = createJobRegistry([importCsv], { classes });
 */
import type { BackoffPolicy } from './backoff.ts';
import { MAX_VISIBILITY_SECONDS } from './backoff.ts';
import { ConfigurationError } from './errors.ts';

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
  /** Default tracking of the class's jobs (`lean`: no record on the happy path). @defaultValue 'full' */
  readonly tracking?: 'full' | 'lean';
}

/** Visibility timeout of a class's queue: AWS asks for at least 6× the function timeout. */
export const VISIBILITY_TIMEOUT_FACTOR = 6;

/** Seconds before the function deadline at which records not yet started are handed back. */
export const DEADLINE_MARGIN_SECONDS = 5;

/** The package's default catalog, used when an application passes none. */
export const defaultPriorityClasses = {
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

export type DefaultPriorityClassName = keyof typeof defaultPriorityClasses;

/** A catalog of priority classes keyed by class name. */
export type PriorityClassCatalog = Readonly<Record<string, PriorityClass>>;

/**
 * Validates a catalog and returns it unchanged, typed with its class names; every problem is
 * reported at once.
 */
export function definePriorityClasses<const Catalog extends PriorityClassCatalog>(catalog: Catalog): Catalog {
  const names = Object.keys(catalog);
  const problems = names.length === 0 ? ['the catalog is empty'] : [];
  for (const name of names) problems.push(...priorityClassProblems(name, catalog[name] as PriorityClass));
  if (problems.length > 0) throw new ConfigurationError(`invalid priority classes: ${problems.join('; ')}`);
  return catalog;
}

const CLASS_NAME = /^[A-Za-z0-9_-]+$/;

/** What AWS would refuse in one class's settings (names, limits of Lambda and the event source). */
export function priorityClassProblems(name: string, cls: PriorityClass): string[] {
  const problems: string[] = [];
  const at = `class "${name}"`;
  if (!CLASS_NAME.test(name)) problems.push(`${at}: name may contain only letters, digits, "-" and "_"`);
  if (!isIntIn(cls.timeoutSeconds, 1, 900)) {
    problems.push(`${at}: timeoutSeconds must be an integer in 1–900 (got ${cls.timeoutSeconds})`);
  } else if (visibilityTimeoutSeconds(cls) > MAX_VISIBILITY_SECONDS) {
    problems.push(
      `${at}: visibility timeout ${visibilityTimeoutSeconds(cls)} s exceeds the SQS maximum ${MAX_VISIBILITY_SECONDS} s`,
    );
  }
  if (!Number.isInteger(cls.attempts) || cls.attempts < 1 || cls.attempts > MAX_ATTEMPTS) {
    problems.push(`${at}: attempts must be an integer in 1–${MAX_ATTEMPTS} (got ${cls.attempts})`);
  }
  if (!isIntIn(cls.memoryMb, 128, 10_240)) {
    problems.push(`${at}: memoryMb must be an integer in 128–10240 (got ${cls.memoryMb})`);
  }
  if (!isIntIn(cls.batchSize, 1, 10_000)) {
    problems.push(`${at}: batchSize must be an integer in 1–10000 (got ${cls.batchSize})`);
  }
  if (!isIntIn(cls.batchWindowSeconds, 0, 300)) {
    problems.push(`${at}: batchWindowSeconds must be an integer in 0–300 (got ${cls.batchWindowSeconds})`);
  } else if (cls.batchSize > 10 && cls.batchWindowSeconds < 1) {
    problems.push(`${at}: batchSize ${cls.batchSize} > 10 needs batchWindowSeconds >= 1`);
  }
  if (!isIntIn(cls.maxConcurrency, 2, 1000)) {
    problems.push(`${at}: maxConcurrency must be an integer in 2–1000 (got ${cls.maxConcurrency})`);
  }
  if (cls.tracking !== undefined && cls.tracking !== 'full' && cls.tracking !== 'lean') {
    problems.push(`${at}: tracking must be 'full' or 'lean' (got ${String(cls.tracking)})`);
  }
  if (!isIntIn(cls.recordParallelism, 1, 10_000)) {
    problems.push(`${at}: recordParallelism must be an integer >= 1 (got ${cls.recordParallelism})`);
  }
  return problems;
}

function isIntIn(value: number, min: number, max: number): boolean {
  return Number.isInteger(value) && value >= min && value <= max;
}

/** The queue visibility timeout derived from the function timeout, in exactly one place. */
export function visibilityTimeoutSeconds(cls: PriorityClass): number {
  return cls.timeoutSeconds * VISIBILITY_TIMEOUT_FACTOR;
}

/** Releases a job may make unless its definition says otherwise (`maxReleases`). */
export const DEFAULT_MAX_RELEASES = 20;
/** Longest a release puts a job back; a longer wait is a new job enqueued with a delay. */
export const MAX_RELEASE_DELAY_SECONDS = 3600;

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
