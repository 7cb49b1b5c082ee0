/**
 * The job definition API: a name, a zod schema for the payload, a priority class, retry policy
 * and the handler. Definitions are plain objects; `createJobRegistry` collects them so that
 * `enqueue('report.generate', payload)` is type-checked against the schema.
 *
 * @example
 * export const sendWelcomeEmail = defineJob({
 *   name: 'email.welcome',
 *   schema: z.object({ userId: z.string() }),
 *   class: 'notifications',
 *   async handle({ userId }, ctx) {
 *     ctx.logger.info('sending welcome email', { userId });
 *   },
 * });
 */
import type { z } from 'zod';
import type { BackoffPolicy } from './backoff.ts';
import { MAX_VISIBILITY_SECONDS } from './backoff.ts';
import { ConfigurationError, JobReleasedSignal } from './errors.ts';
import { MAX_ATTEMPTS, type DefaultPriorityClassName } from './priority-classes.ts';

export interface JobLogger {
  debug(message: string, extra?: Record<string, unknown>): void;
  info(message: string, extra?: Record<string, unknown>): void;
  warn(message: string, extra?: Record<string, unknown>): void;
  error(message: string, extra?: Record<string, unknown>): void;
}

export interface JobContext {
  readonly jobId: string;
  readonly jobName: string;
  /** 1-based number of this attempt. */
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly enqueuedAt: Date;
  /** Aborted when the attempt runs out of time; pass it to fetch() and SDK calls. */
  readonly signal: AbortSignal;
  /** Structured logger that adds the job id, name and attempt to every line. */
  readonly logger: JobLogger;
  /** Records progress (0–100) on the job record; costs one DynamoDB write per call. */
  setProgress(percent: number): Promise<void>;
  /** Put the job back on its queue after `delaySeconds` without counting a failed attempt. */
  release(delaySeconds: number): never;
}

export interface JobDefinition<
  Name extends string = string,
  Schema extends z.ZodType = z.ZodType,
  Class extends string = string,
> {
  /** Unique name; letters, digits, `.`, `-`, `_`. */
  readonly name: Name;
  /** Validates the payload on enqueue and again in the consumer. */
  readonly schema: Schema;
  /**
   * Priority class whose queue and consumer run this job; `createJobRegistry` checks it against
   * the registry's class catalog, at compile time and at run time.
   */
  readonly class: Class;
  /** Attempts in all, first run included. @defaultValue the class's `attempts` */
  readonly attempts?: number;
  /** Delays between attempts. @defaultValue the class's `backoff` */
  readonly backoff?: BackoffPolicy;
  /** Seconds one attempt may run. @defaultValue the class's `timeoutSeconds` (minus a safety margin) */
  readonly timeoutSeconds?: number;
  /**
   * Releases (`ctx.release`) a job may make before it fails with that reason; each is put back
   * for at most `MAX_RELEASE_DELAY_SECONDS`. @defaultValue DEFAULT_MAX_RELEASES
   */
  readonly maxReleases?: number;
  /**
   * At most `limit` starts per `perSeconds`, per job name, or per `key(payload)` when given:
   * a job over the limit goes back to its queue until its slot, counting neither an attempt
   * nor a release (see README "Flow control").
   */
  readonly rateLimit?: RateLimit<z.output<Schema>>;
  /**
   * At most `limit` jobs of this name and `key(payload)` running at once, across every
   * consumer; the others wait in the queue (see README "Flow control").
   */
  readonly concurrency?: { readonly limit: number; readonly key: (payload: z.output<Schema>) => string };
  /**
   * One job per `key(payload)` at a time: an enqueue while another job of that key is
   * `while` (waiting, running, or either) returns that job instead (`duplicate: true`), for
   * at most `forSeconds` after the holder was enqueued (see README "Flow control").
   */
  /**
   * A burst of enqueues with the same `key(payload)` runs once, `seconds` after the first
   * (`mode: 'first'`, its payload) or after the last (`'last'`, the last payload).
   */
  readonly debounce?: {
    readonly key: (payload: z.output<Schema>) => string;
    readonly seconds: number;
    readonly mode: 'first' | 'last';
  };
  readonly unique?: {
    readonly key: (payload: z.output<Schema>) => string;
    readonly while: UniqueWhile;
    readonly forSeconds: number;
  };
  /**
   * `lean`: no job record on the happy path (see README "Lean tracking"): the first delivery runs
   * without a claim and only the class's per-minute aggregate counts it; a record is written
   * when the job retries, fails or is enqueued with an idempotency key. Duplicate deliveries may
   * run twice, and a job not yet started cannot be cancelled. Excludes the flow-control options.
   * @defaultValue the class's `tracking`, else `full`
   */
  readonly tracking?: JobTracking;
  /** No attempt starts after this moment; the job fails instead. */
  readonly retryUntil?: (enqueuedAt: Date) => Date;
  /** Errors for which retrying is pointless. `NonRetryableError` is always non-retryable. */
  readonly isNonRetryable?: (error: unknown) => boolean;
  readonly handle: (payload: z.output<Schema>, ctx: JobContext) => Promise<unknown>;
  /** Called once when the job fails for good (attempts exhausted or non-retryable). */
  readonly onFailed?: (payload: z.output<Schema>, error: unknown, ctx: JobContext) => Promise<void> | void;
}

/** Which holders block a unique job's enqueue: waiting ones (scheduled, queued, retrying), running ones, or both. */
export type UniqueWhile = 'queued' | 'running' | 'queued-or-running';
const UNIQUE_WHILE: readonly string[] = ['queued', 'running', 'queued-or-running'];

export interface RateLimit<Payload = unknown> {
  /** Starts allowed per `perSeconds`; spaced evenly (`perSeconds / limit` apart). */
  readonly limit: number;
  readonly perSeconds: number;
  /** A separate limit per key, e.g. `(p) => p.tenantId`. @defaultValue one limit for the job name */
  readonly key?: (payload: Payload) => string;
}

/** One DynamoDB item takes about 1,000 writes a second; a limit above that cannot be kept on one. */
export const MAX_RATE_PER_SECOND = 1000;

/** Holders of one key live in one item (each ~50 bytes); 1,000 keeps it well under 400 KB. */
export const MAX_CONCURRENCY_LIMIT = 1000;

// Erased form the registry and consumer work with: the payload is validated at run time.
export type AnyJobDefinition = JobDefinition<string, z.ZodType, string>;

// The default classes complete in an editor; any other name is checked by the registry.
type ClassNameHint = DefaultPriorityClassName | (string & {});

const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/**
 * Validates a definition and returns it unchanged; every problem is reported at once. Settings
 * that depend on the class (timeout within the class's) are checked by `createJobRegistry`.
 */
export function defineJob<const Name extends string, Schema extends z.ZodType, const Class extends ClassNameHint>(
  definition: JobDefinition<Name, Schema, Class>,
): JobDefinition<Name, Schema, Class> {
  const problems = definitionProblems(definition as unknown as AnyJobDefinition);
  if (problems.length > 0) {
    throw new ConfigurationError(`job "${definition.name}" is misconfigured: ${problems.join('; ')}`);
  }
  return definition;
}

function definitionProblems(def: AnyJobDefinition): string[] {
  const problems: string[] = [];
  if (!NAME_PATTERN.test(def.name)) problems.push('name must be 1–100 letters, digits, ".", "-" or "_"');
  if (typeof def.class !== 'string' || def.class.length === 0) problems.push('class must name a priority class');
  if (def.attempts !== undefined && !(Number.isInteger(def.attempts) && def.attempts >= 1 && def.attempts <= MAX_ATTEMPTS)) {
    problems.push(`attempts must be an integer from 1 to ${MAX_ATTEMPTS}`);
  }
  if (def.timeoutSeconds !== undefined && !(def.timeoutSeconds > 0)) problems.push('timeoutSeconds must be > 0');
  const backoff = def.backoff;
  if (backoff !== undefined) {
    const delays = Array.isArray(backoff) ? backoff : [(backoff as { baseSeconds: number }).baseSeconds];
    if (delays.some((s) => !(s >= 0 && s <= MAX_VISIBILITY_SECONDS))) {
      problems.push(`backoff delays must be 0–${MAX_VISIBILITY_SECONDS} seconds (the SQS visibility limit)`);
    }
  }
  problems.push(...rateLimitProblems(def.rateLimit));
  problems.push(...trackingProblems(def));
  if (def.debounce !== undefined) {
    if (typeof def.debounce.key !== 'function') problems.push('debounce.key must be a function of the payload');
    else if (!(Number.isInteger(def.debounce.seconds) && def.debounce.seconds >= 1)) problems.push('debounce.seconds must be a whole number of seconds >= 1');
    else if (def.debounce.mode !== 'first' && def.debounce.mode !== 'last') problems.push("debounce.mode must be 'first' or 'last'");
    else if (def.unique !== undefined) problems.push('debounce and unique exclude each other (a debounced burst already runs once)');
  }
  if (def.unique !== undefined) {
    if (typeof def.unique.key !== 'function') problems.push('unique.key must be a function of the payload');
    else if (!UNIQUE_WHILE.includes(def.unique.while)) problems.push(`unique.while must be one of ${UNIQUE_WHILE.join(', ')}`);
    else if (!(Number.isInteger(def.unique.forSeconds) && def.unique.forSeconds >= 1)) problems.push('unique.forSeconds must be a whole number of seconds >= 1');
  }
  if (def.concurrency !== undefined) {
    if (!(Number.isInteger(def.concurrency.limit) && def.concurrency.limit >= 1 && def.concurrency.limit <= MAX_CONCURRENCY_LIMIT)) {
      problems.push(`concurrency.limit must be an integer from 1 to ${MAX_CONCURRENCY_LIMIT}`);
    } else if (typeof def.concurrency.key !== 'function') problems.push('concurrency.key must be a function of the payload');
  }
  return problems;
}

/** How much a job's lifecycle is written down: `full` (a record per job) or `lean` (see README). */
export type JobTracking = 'full' | 'lean';
export const JOB_TRACKINGS: readonly JobTracking[] = ['full', 'lean'];

/** A job's tracking: its own, else its class's unless it uses a gate that needs its record. */
export function trackingOf(def: AnyJobDefinition, classTracking: JobTracking | undefined): JobTracking {
  if (def.tracking !== undefined) return def.tracking;
  const gated = def.rateLimit !== undefined || def.concurrency !== undefined || def.unique !== undefined || def.debounce !== undefined;
  return gated ? 'full' : (classTracking ?? 'full');
}

function trackingProblems(def: AnyJobDefinition): string[] {
  if (def.tracking === undefined) return [];
  if (!JOB_TRACKINGS.includes(def.tracking)) return [`tracking must be one of ${JOB_TRACKINGS.join(', ')}`];
  const gated = (['rateLimit', 'concurrency', 'unique', 'debounce'] as const).filter((option) => def[option] !== undefined);
  // Each of these gates holds a claim on the job's record, which a lean job does not write.
  return def.tracking === 'lean' && gated.length > 0 ? [`tracking 'lean' excludes ${gated.join(', ')} (they need the job's record)`] : [];
}

function rateLimitProblems(rateLimit: RateLimit<never> | undefined): string[] {
  if (rateLimit === undefined) return [];
  const { limit, perSeconds, key } = rateLimit;
  if (!(Number.isInteger(limit) && limit >= 1)) return ['rateLimit.limit must be an integer >= 1'];
  if (!(typeof perSeconds === 'number' && perSeconds > 0 && perSeconds <= MAX_VISIBILITY_SECONDS)) {
    return [`rateLimit.perSeconds must be > 0 and at most ${MAX_VISIBILITY_SECONDS} (12 hours)`];
  }
  if (limit / perSeconds > MAX_RATE_PER_SECOND) {
    return [`rateLimit allows ${limit / perSeconds} starts a second; at most ${MAX_RATE_PER_SECOND} (one DynamoDB item's write rate) per key`];
  }
  if (key !== undefined && typeof key !== 'function') return ['rateLimit.key must be a function of the payload'];
  return [];
}

/** The `release` implementation shared by every context: throws the signal the consumer catches. */
export function releaseJob(delaySeconds: number): never {
  throw new JobReleasedSignal(delaySeconds);
}
