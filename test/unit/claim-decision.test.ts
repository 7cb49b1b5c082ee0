import { describe, expect, it } from 'vitest';
import { decideOnConflict } from '../../lambdas/consumer/claim-decision.ts';
import type { JobRecord } from '../../shared/status-store/job-record.ts';

const NOW = Date.parse('2026-11-25T10:00:00.000Z');

function record(overrides: Partial<JobRecord>): JobRecord {
  return {
    id: 'job-1',
    name: 'demo.flaky',
    class: 'default',
    status: 'queued',
    statusShard: 'queued#0',
    gen: 1,
    attempts: 0,
    maxAttempts: 3,
    enqueuedAt: '2026-11-25T09:59:00.000Z',
    statusAt: '2026-11-25T09:59:00.000Z',
    expiresAt: 0,
    ...overrides,
  };
}

describe('decideOnConflict', () => {
  it.each(['completed', 'failed', 'cancelled'] as const)('drops a duplicate of a %s job', (status) => {
    expect(decideOnConflict(record({ status }), { gen: 1 }, NOW).kind).toBe('drop');
  });

  it('drops a stale copy from an older generation (e.g. a DLQ copy after an operator retry)', () => {
    const decision = decideOnConflict(record({ status: 'queued', gen: 2 }), { gen: 1 }, NOW);
    expect(decision).toMatchObject({ kind: 'drop', why: expect.stringMatching(/stale/) });
  });

  it('defers a duplicate of a running job until its lease ends, without counting an attempt', () => {
    const decision = decideOnConflict(record({ status: 'running', attempts: 1, leaseUntil: NOW + 30_500 }), { gen: 1 }, NOW);
    expect(decision).toEqual({ kind: 'defer', seconds: 32, why: 'job is running elsewhere' });
  });

  it('defers an early delivery of a retrying job until its next attempt is due', () => {
    const decision = decideOnConflict(record({ status: 'retrying', attempts: 1, nextAttemptAt: NOW + 60_000 }), { gen: 1 }, NOW);
    expect(decision).toEqual({ kind: 'defer', seconds: 60, why: 'job is not due yet' });
  });

  it('fails a job whose every attempt crashed', () => {
    const decision = decideOnConflict(record({ status: 'running', attempts: 3, leaseUntil: NOW - 1 }), { gen: 1 }, NOW);
    expect(decision).toMatchObject({ kind: 'exhausted', why: expect.stringMatching(/3\/3/) });
  });

  it('defers, never fails, a running job whose lease just ended while attempts remain', () => {
    // The claim judged the lease against an earlier moment (a delayed or retried request).
    const decision = decideOnConflict(record({ status: 'running', attempts: 1, maxAttempts: 3, leaseUntil: NOW - 1 }), { gen: 1 }, NOW);
    expect(decision).toEqual({ kind: 'defer', seconds: 1, why: 'lease just ended' });
  });

  it('holds back a newer generation whose retry is not recorded yet', () => {
    expect(decideOnConflict(record({ status: 'failed', gen: 1 }), { gen: 2 }, NOW)).toMatchObject({ kind: 'defer', seconds: 2 });
  });

  it('re-arms a failed job when its own DLQ copy is redriven, but not for a duplicate of the original', () => {
    expect(decideOnConflict(record({ status: 'failed' }), { gen: 1, deadLettered: true }, NOW).kind).toBe('rearm');
    expect(decideOnConflict(record({ status: 'failed' }), { gen: 1 }, NOW).kind).toBe('drop');
    expect(decideOnConflict(record({ status: 'completed' }), { gen: 1, deadLettered: true }, NOW).kind).toBe('drop');
    expect(decideOnConflict(record({ status: 'failed', gen: 2 }), { gen: 1, deadLettered: true }, NOW).kind).toBe('drop');
  });

  it('drops a job whose record is gone, but waits for a tick to record itself', () => {
    expect(decideOnConflict(undefined, { gen: 1 }, NOW)).toMatchObject({ kind: 'drop', why: expect.stringMatching(/forgotten/) });
    expect(decideOnConflict(undefined, { gen: 1, tick: {} }, NOW)).toMatchObject({ kind: 'defer', seconds: 1 });
    // A redriven copy of a forgotten tick is dropped, not deferred until the DLQ takes it back.
    expect(decideOnConflict(undefined, { gen: 1, tick: {}, deadLettered: true }, NOW)).toMatchObject({ kind: 'drop' });
  });
});
