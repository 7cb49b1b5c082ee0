/**
 * What to do with a delivery whose claim failed, judged from the stored record. Pure.
 *
 * - `drop`: the job is finished or the message is a stale copy; delete it, run nothing.
 * - `defer`: the job is running elsewhere or not due yet; hand the message back for `seconds`
 *   without counting an attempt.
 * - `exhausted`: every attempt has been used by runs that never finished (crashes, kills).
 * - `rearm`: an operator redrove the DLQ copy of a failed job, or the message of a job the
 *   sweeper failed as lost turned up; it re-arms the job as the next generation (rearm-redriven.ts).
 *
 * @example
 * decideOnConflict({ status: 'completed', gen: 1, … }, { gen: 1 }, Date.now()); // { kind: 'drop', … }
 */
import { clampVisibility } from '../../shared/backoff.ts';
import type { JobRecord } from '../../shared/status-store/job-record.ts';

export type ConflictDecision =
  | { readonly kind: 'drop'; readonly why: string }
  | { readonly kind: 'defer'; readonly seconds: number; readonly why: string }
  | { readonly kind: 'exhausted'; readonly why: string }
  | { readonly kind: 'rearm'; readonly why: string };

export function decideOnConflict(
  record: JobRecord | undefined,
  message: { readonly gen: number; readonly deadLettered?: boolean; readonly tick?: unknown },
  nowMs: number,
): ConflictDecision {
  if (!record) {
    // The claim creates a missing record, except for a dead-lettered copy: its job was forgotten.
    return message.deadLettered || !message.tick
      ? { kind: 'drop', why: 'no job record: it was forgotten (or its enqueue never went out)' }
      : { kind: 'defer', seconds: 1, why: 'job record could not be read' };
  }
  if (record.gen > message.gen) {
    return { kind: 'drop', why: `stale copy: message generation ${message.gen}, job generation ${record.gen}` };
  }
  if (record.gen < message.gen) {
    // An operator retry sends the new generation before it updates the record.
    return { kind: 'defer', seconds: 2, why: 'retry not recorded yet' };
  }
  if (record.status === 'failed' && message.deadLettered) {
    return { kind: 'rearm', why: 'redriven from the dead-letter queue' };
  }
  if (record.status === 'failed' && record.lostAt !== undefined) {
    // The sweeper gave the message up for lost, and here it is: run the job after all.
    return { kind: 'rearm', why: 'the message of a job failed as lost turned up' };
  }
  switch (record.status) {
    case 'completed':
    case 'failed':
    case 'cancelled':
      return { kind: 'drop', why: `duplicate delivery: job already ${record.status}` };
    case 'running':
      if ((record.leaseUntil ?? 0) > nowMs) {
        return { kind: 'defer', seconds: secondsUntil(record.leaseUntil ?? nowMs, nowMs) + 1, why: 'job is running elsewhere' };
      }
      // The claim saw the lease still holding (its clock, or a retried request, ran earlier):
      // with attempts left the next delivery claims it.
      if (record.attempts < record.maxAttempts) return { kind: 'defer', seconds: 1, why: 'lease just ended' };
      return exhausted(record);
    case 'scheduled':
      // The dispatcher sent the message but has not marked it queued yet.
      return { kind: 'defer', seconds: Math.max(2, secondsUntil(record.dueAt ?? nowMs, nowMs)), why: 'job is not dispatched yet' };
    case 'queued':
    case 'retrying':
      if ((record.nextAttemptAt ?? 0) > nowMs) {
        return { kind: 'defer', seconds: secondsUntil(record.nextAttemptAt ?? nowMs, nowMs), why: 'job is not due yet' };
      }
      if (record.attempts >= record.maxAttempts) return exhausted(record);
      return { kind: 'defer', seconds: 1, why: 'another delivery changed the job first' };
  }
}

function exhausted(record: JobRecord): ConflictDecision {
  return {
    kind: 'exhausted',
    why: `attempts exhausted (${record.attempts}/${record.maxAttempts}): the last attempt never finished (consumer crashed or was stopped)`,
  };
}

function secondsUntil(epochMs: number, nowMs: number): number {
  return Math.max(1, clampVisibility(Math.ceil((epochMs - nowMs) / 1000)));
}
