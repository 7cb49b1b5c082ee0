/** The running job's cancel check: interval, generation, abort reason. */
import { describe, expect, it, vi } from 'vitest';
import { JobCancelledError, cancelCheckIntervalMs, watchForCancel } from '../../lambdas/consumer/cancel-watch.ts';
import type { JobRecord } from '../../shared/status-store/job-record.ts';

describe('cancelCheckIntervalMs', () => {
  it('is 5 s, or a quarter of a short class timeout, never under 1 s', () => {
    expect([600, 60, 20, 8, 2].map(cancelCheckIntervalMs)).toEqual([5000, 5000, 5000, 2000, 1000]);
  });
});

describe('watchForCancel', () => {
  it('aborts on a request for its generation only, after an interval', async () => {
    vi.useFakeTimers();
    try {
      let record = { id: 'j', gen: 2, cancelRequestedAt: '2026-01-01T00:00:00.000Z', cancelRequestedBy: 'ops' } as Partial<JobRecord>;
      const reads: number[] = [];
      const store = { get: async () => (reads.push(Date.now()), record as JobRecord) };
      const controller = new AbortController();
      const watch = watchForCancel({ store, token: { id: 'j', gen: 3, attempt: 1 }, controller, intervalMs: 1000 });
      await vi.advanceTimersByTimeAsync(2500);
      expect(reads).toHaveLength(2);
      expect(controller.signal.aborted).toBe(false); // an older generation's request
      record = { ...record, gen: 3 };
      await vi.advanceTimersByTimeAsync(1000);
      await expect(watch.cancelled).rejects.toBeInstanceOf(JobCancelledError);
      expect((controller.signal.reason as Error).message).toBe('cancelled by ops at 2026-01-01T00:00:00.000Z');
      watch.stop();
    } finally {
      vi.useRealTimers();
    }
  });
});
