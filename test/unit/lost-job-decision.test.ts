import { describe, expect, it } from 'vitest';
import { deliveryDeadline, lostJobVerdict, type SweptRecord } from '../../lambdas/sweeper/lost-job-decision.ts';

const T0 = Date.parse('2026-12-01T00:00:00.000Z');
const MIN = 60_000;
const record = (over: Partial<SweptRecord>): SweptRecord =>
  ({
    id: 'j',
    name: 'n',
    class: 'default',
    status: 'queued',
    statusShard: 'queued#0',
    gen: 1,
    attempts: 0,
    maxAttempts: 3,
    enqueuedAt: new Date(T0).toISOString(),
    statusAt: new Date(T0).toISOString(),
    expiresAt: 0,
    ...over,
  }) as SweptRecord;
const facts = { graceMs: 10 * MIN, visibilityTimeoutMs: 6 * MIN, backlog: 0 };

describe('deliveryDeadline', () => {
  it.each([
    ['queued: when it was enqueued, plus the visibility timeout', record({}), T0 + 6 * MIN],
    ['queued after a release or dispatch: its next attempt, plus it', record({ nextAttemptAt: T0 + 5 * MIN }), T0 + 11 * MIN],
    ['retrying: its next attempt, plus it', record({ status: 'retrying', nextAttemptAt: T0 + 30 * MIN }), T0 + 36 * MIN],
    ['running: lease end plus the visibility timeout', record({ status: 'running', leaseUntil: T0 + MIN }), T0 + 7 * MIN],
    ['completed: none', record({ status: 'completed' }), undefined],
  ])('%s', (_, job, expected) => {
    expect(deliveryDeadline(job, facts.visibilityTimeoutMs)).toBe(expected);
  });
});

describe('lostJobVerdict', () => {
  it('is fine before deadline + grace, then suspect, then lost one grace after the mark', () => {
    // Deadline T0 + 6 min (visibility timeout), grace 10 min.
    const job = record({});
    expect(lostJobVerdict(job, { ...facts, nowMs: T0 + 15 * MIN })).toBe('fine');
    expect(lostJobVerdict(job, { ...facts, nowMs: T0 + 16 * MIN })).toBe('suspect');
    const marked = record({ lostSuspectAt: T0 + 16 * MIN });
    expect(lostJobVerdict(marked, { ...facts, nowMs: T0 + 25 * MIN })).toBe('suspect');
    expect(lostJobVerdict(marked, { ...facts, nowMs: T0 + 26 * MIN })).toBe('lost');
  });

  it('is fine whenever the queue has a backlog that may still hold the message', () => {
    const marked = record({ lostSuspectAt: T0 + 16 * MIN });
    expect(lostJobVerdict(marked, { ...facts, backlog: 1, nowMs: T0 + 60 * MIN })).toBe('fine');
  });

  it('ignores a mark left from an earlier wait of the job', () => {
    // Marked while queued, then it ran and now waits for a retry due later than the mark.
    const job = record({ status: 'retrying', nextAttemptAt: T0 + 60 * MIN, lostSuspectAt: T0 + 16 * MIN });
    expect(lostJobVerdict(job, { ...facts, nowMs: T0 + 80 * MIN })).toBe('suspect');
  });
});
