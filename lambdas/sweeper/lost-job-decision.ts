/**
 * Whether a non-terminal job's message must have been delivered by now, and so is gone. Pure.
 *
 * Each waiting status has a moment after which its message must be visible or claimed: its due
 * time (`queued`), its next attempt (`retrying`) or its lease end (`running`), plus the queue's
 * visibility timeout, the longest a received but unsettled delivery stays hidden. Past
 * that moment plus a grace period, with no visible backlog in the class's queue (a backlog could
 * still hold the message), the record is a suspect. A suspect that is still unchanged one grace
 * period later, with the queue still without backlog, has lost its message.
 *
 * @example
 * lostJobVerdict(record, { nowMs, graceMs: 600_000, visibilityTimeoutMs: 360_000, backlog: 0 });
 * // 'fine' | 'suspect' | 'lost'
 */
import type { JobRecord } from '../../shared/status-store/job-record.ts';

/** A record as the sweeper reads it: with the mark its previous run may have left. */
export type SweptRecord = JobRecord & {
  /** Epoch ms a sweep first found the record past its delivery deadline. */
  readonly lostSuspectAt?: number;
};

export type LostJobVerdict = 'fine' | 'suspect' | 'lost';

export interface LostJobFacts {
  readonly nowMs: number;
  readonly graceMs: number;
  /** The class queue's visibility timeout. */
  readonly visibilityTimeoutMs: number;
  /** Visible messages in the class queue (ApproximateNumberOfMessages). */
  readonly backlog: number;
}

/** When the record's message must have been delivered at the latest; undefined for statuses that have none. */
export function deliveryDeadline(record: SweptRecord, visibilityTimeoutMs: number): number | undefined {
  const enteredMs = Date.parse(record.statusAt);
  switch (record.status) {
    // A delivery received but never claimed (throttled, or its invocation died before it could
    // shorten the visibility) stays hidden for the queue's whole visibility timeout.
    case 'queued':
      return Math.max(enteredMs, record.nextAttemptAt ?? 0, record.dueAt ?? 0) + visibilityTimeoutMs;
    case 'retrying':
      return (record.nextAttemptAt ?? enteredMs) + visibilityTimeoutMs;
    case 'running':
      return (record.leaseUntil ?? enteredMs) + visibilityTimeoutMs;
    default:
      return undefined;
  }
}

export function lostJobVerdict(record: SweptRecord, facts: LostJobFacts): LostJobVerdict {
  const deadline = deliveryDeadline(record, facts.visibilityTimeoutMs);
  if (deadline === undefined || facts.nowMs < deadline + facts.graceMs || facts.backlog > 0) return 'fine';
  // A mark from before this deadline belongs to an earlier wait of the job: it does not count.
  const mark = record.lostSuspectAt;
  const marked = mark !== undefined && mark >= deadline + facts.graceMs;
  return marked && facts.nowMs >= mark + facts.graceMs ? 'lost' : 'suspect';
}
