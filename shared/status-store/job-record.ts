/**
 * The job record stored in DynamoDB: one small item per job. The payload is not kept here
 * while the job is live (it travels in the SQS message); it is copied in only when the job
 * fails for good, so an operator can retry it after the DLQ copy is gone, and held (as the
 * pending message) while a delayed job waits for its due time.
 */
import type { EnvelopeOverrides } from '../envelope.ts';
import type { JobStatus } from '../lifecycle.ts';

export interface JobErrorEntry {
  readonly attempt: number;
  /** ISO time of the failure. */
  readonly at: string;
  readonly message: string;
  /** The error's stack; kept on the newest entry only. */
  readonly stack?: string;
}

export interface JobRecord {
  readonly id: string;
  readonly name: string;
  readonly class: string;
  readonly status: JobStatus;
  /** The byStatus index partition (status and shard, see `statusShard`); only on indexed statuses. */
  readonly statusShard?: string;
  /** Generation; bumped by an operator retry so older message copies are ignored. */
  readonly gen: number;
  /** Attempts started so far (the attempt count of record, not SQS's receive count). */
  readonly attempts: number;
  readonly maxAttempts: number;
  readonly enqueuedAt: string;
  /** When the job entered its current status (sort key of the byStatus index). */
  readonly statusAt: string;
  readonly startedAt?: string;
  readonly finishedAt?: string;
  /** Epoch ms before which the next attempt must not start. */
  readonly nextAttemptAt?: number;
  /** Epoch ms a delayed job is due (`scheduled` jobs; kept once dispatched). */
  readonly dueAt?: number;
  /** The message to send when a `scheduled` job is due; removed once it is sent. */
  readonly pendingMessage?: string;
  /** Epoch ms until which the running attempt owns the job. */
  readonly leaseUntil?: number;
  readonly lastError?: string;
  readonly errors?: readonly JobErrorEntry[];
  readonly result?: unknown;
  readonly progress?: number;
  /**
   * The payload as JSON, present only once the job failed for good (up to
   * FAILED_PAYLOAD_MAX_BYTES). A string, so no payload nesting can break the failure write.
   */
  readonly payloadJson?: string;
  /** A failed job's per-enqueue attempts and backoff, for a retry to keep. */
  readonly overrides?: EnvelopeOverrides;
  readonly idempotencyKey?: string;
  /** When an operator last put the failed job back in its queue. */
  readonly requeuedAt?: string;
  /** Times the handler released the job (`ctx.release`); bounded by its `maxReleases`. */
  readonly releases?: number;
  /** Epoch ms the sweeper failed the job as "message lost"; a delivery of it still re-arms the job. */
  readonly lostAt?: number;
  /** Epoch ms of the rate-limit slot the job reserved and waits for; cleared when it is used. */
  readonly rateSlotAt?: number;
  /** Times the job went back to wait for a rate-limit slot (not releases, not attempts). */
  readonly rateWaits?: number;
  /** Times the job went back because its concurrency key had no free slot. */
  readonly concurrencyWaits?: number;
  /** ISO time an operator asked to cancel the running job; its consumer checks for it. */
  readonly cancelRequestedAt?: string;
  readonly cancelRequestedBy?: string;
  /** Epoch seconds; DynamoDB TTL deletes the record after it. */
  readonly expiresAt?: number;
}

/** Error history kept on the record: the most recent entries, each message truncated. */
export const ERROR_HISTORY_LENGTH = 10;
export const ERROR_MESSAGE_CHARS = 500;
/** A result larger than this (as JSON) is not stored; `result` then says so. */
export const RESULT_MAX_BYTES = 1024;
/**
 * A failed job's payload up to this size (as JSON) is kept on its record, so it can be retried
 * after the DLQ copy expired; what is larger stays only in the DLQ message. The record stays
 * under DynamoDB's 400 KB item limit, and every write to a failed record costs a unit per KB.
 */
export const FAILED_PAYLOAD_MAX_BYTES = 350 * 1024;
/** The newest error's stack is kept, up to this many characters. */
export const ERROR_STACK_CHARS = 2000;

export function truncate(text: string, chars: number): string {
  return text.length <= chars ? text : `${text.slice(0, chars - 1)}…`;
}

export function appendError(
  history: readonly JobErrorEntry[] | undefined,
  entry: JobErrorEntry,
): JobErrorEntry[] {
  const bounded: JobErrorEntry = {
    ...entry,
    message: truncate(entry.message, ERROR_MESSAGE_CHARS),
    ...(entry.stack !== undefined ? { stack: truncate(entry.stack, ERROR_STACK_CHARS) } : {}),
  };
  // Only the newest entry keeps its stack: older ones would make every later write dearer.
  const older = (history ?? []).map(({ stack: _, ...rest }) => rest);
  return [...older, bounded].slice(-ERROR_HISTORY_LENGTH);
}

/** The value to store for a handler's result: itself when small, a marker otherwise. */
export function boundedResult(result: unknown): unknown {
  if (result === undefined) return undefined;
  const json = JSON.stringify(result);
  if (json === undefined) return undefined;
  const bytes = Buffer.byteLength(json);
  return bytes <= RESULT_MAX_BYTES ? JSON.parse(json) : { truncated: true, bytes };
}

/** The payload as stored on a failed record, or undefined when it is too large to keep there. */
export function failedPayloadJson(payload: unknown): string | undefined {
  const json = JSON.stringify(payload);
  if (json === undefined) return undefined;
  return Buffer.byteLength(json) <= FAILED_PAYLOAD_MAX_BYTES ? json : undefined;
}

/** A failed record's payload, or undefined when the record holds none. */
export function failedPayloadOf(record: Pick<JobRecord, 'payloadJson'>): unknown {
  return record.payloadJson === undefined ? undefined : (JSON.parse(record.payloadJson) as unknown);
}
