/**
 * The status store's contract: what the consumer, the SDK and the admin functions may do to a
 * job record. The DynamoDB implementation is `createStatusStore` in status-store.ts.
 */
import type { EnvelopeOverrides } from '../envelope.ts';
import type { JobErrorEntry, JobRecord } from './job-record.ts';

/** Proof of a claim: later writes succeed only while the job is still on this attempt. */
export interface ClaimToken {
  readonly id: string;
  readonly gen: number;
  readonly attempt: number;
}

export interface ClaimInput {
  readonly id: string;
  readonly gen: number;
  /** Written when the claim creates the record (name, class, attempts and enqueue time). */
  readonly name: string;
  readonly class: string;
  readonly maxAttempts: number;
  readonly enqueuedAt: string;
  /** How long the attempt owns the job: longer than the attempt, shorter than the visibility timeout. */
  readonly leaseMs: number;
  /** A retry may start this early, to absorb clock skew between hosts. @defaultValue 2000 */
  readonly earlyToleranceMs?: number;
  /**
   * Create the record when there is none: a plain job and a scheduled tick have no record
   * before their first claim. The consumer passes false for a dead-lettered copy, whose job
   * without a record was forgotten and must not come back to life.
   */
  readonly createIfMissing: boolean;
}

export type ClaimOutcome =
  | { readonly claimed: true; readonly token: ClaimToken; readonly record: JobRecord }
  | { readonly claimed: false; readonly record: JobRecord | undefined };

export interface NewJob {
  readonly id: string;
  readonly name: string;
  readonly class: string;
  readonly maxAttempts: number;
  readonly enqueuedAt: string;
  readonly idempotencyKey?: string;
  /** Epoch ms before which the job will not run (a delayed enqueue). */
  readonly notBefore?: number;
  /**
   * For a job due later than SQS can delay a message: it is stored as `scheduled` with its
   * message, and the dispatcher sends it when it is due.
   */
  readonly scheduled?: { readonly dueAt: number; readonly message: string };
}

/** A job that never ran (it may have no record yet): enough to create one. */
export interface UnrunJob {
  readonly id: string;
  readonly gen: number;
  readonly name: string;
  readonly class: string;
  readonly maxAttempts: number;
  readonly enqueuedAt?: string;
}

/** A job to fail: the claim that ran it, or a job that never ran. */
export type FailTarget = { readonly token: ClaimToken } | UnrunJob;

export interface FailUpdate {
  readonly errors: JobErrorEntry[];
  readonly reason: string;
  /** Kept on the record (when small enough) so an operator can retry without the DLQ copy. */
  readonly payload?: unknown;
  /** The enqueue's own attempts and backoff, kept so a retry runs the job as it was enqueued. */
  readonly overrides?: EnvelopeOverrides;
}

export interface StatusStore {
  get(id: string): Promise<JobRecord | undefined>;
  /** Inserts a queued (or scheduled) job; an existing job with the same id is returned instead (`created: false`). */
  createQueued(job: NewJob): Promise<{ created: boolean; record: JobRecord }>;
  /** A scheduled job's message went out: it is `queued` now, due at `dueAt`. */
  markDispatched(id: string, dueAt: number): Promise<void>;
  /** Cancels a job that has not started (scheduled, queued, or waiting for a retry). */
  cancel(id: string, reason: string): Promise<void>;
  /**
   * Cancels a job that has no record yet (its message waits in the queue): writes a `cancelled`
   * record unless one exists by now. False when a record appeared first.
   */
  cancelUnstarted(id: string, reason: string): Promise<boolean>;
  /**
   * Asks the consumer running a job to cancel it (who, and when); throws
   * `JobStateConflictError` if the job is not running.
   */
  requestCancel(id: string, by: string): Promise<void>;
  /** The running attempt honoured a cancel request: `running → cancelled`, not retried. */
  settleCancelled(token: ClaimToken, request: { by: string; at: string }): Promise<void>;
  /** Records a job that will not run because its schedule's previous run is still going. */
  skip(target: UnrunJob, reason: string): Promise<void>;
  /** Undoes `createQueued` when the message could not be sent. */
  removeUnsent(id: string, gen: number): Promise<void>;
  claim(input: ClaimInput): Promise<ClaimOutcome>;
  complete(token: ClaimToken, result: unknown): Promise<void>;
  scheduleRetry(token: ClaimToken, update: { errors: JobErrorEntry[]; nextAttemptAt: number }): Promise<void>;
  /** Hands the job back without counting the attempt. */
  /** `counted`: the handler released the job (`ctx.release`), which counts toward `maxReleases`. */
  /** `rateSlotAt`: the job waits for the rate-limit slot it reserved (not counted; shown as a rate wait). */
  /** `concurrencyWait`: its concurrency key was full (not counted; shown as a concurrency wait). */
  release(token: ClaimToken, nextAttemptAt: number, options?: { counted?: boolean; rateSlotAt?: number; concurrencyWait?: boolean }): Promise<void>;
  fail(target: FailTarget, update: FailUpdate): Promise<void>;
  setProgress(token: ClaimToken, percent: number): Promise<void>;
  /**
   * Puts a failed job back to `queued` with fresh attempts, keeping its error history. An
   * operator retry and a redriven DLQ copy both move it to a new generation
   * (`toGen = fromGen + 1`), once that generation's message is sent. Throws
   * `JobStateConflictError` if the job is no longer failed at `fromGen`.
   */
  requeueFailed(id: string, change: { fromGen: number; toGen: number; maxAttempts?: number }): Promise<void>;
  /** Deletes a failed job's record; throws `JobStateConflictError` if it is not failed (any more). */
  removeFailed(id: string): Promise<void>;
}
