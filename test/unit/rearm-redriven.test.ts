import { describe, expect, it } from 'vitest';
import { nextGenerationBody } from '../../lambdas/consumer/rearm-redriven.ts';
import { decodeEnvelope, encodeEnvelope } from '../../shared/envelope.ts';

const NOW = Date.parse('2026-11-25T10:00:00.000Z');

describe('nextGenerationBody', () => {
  it('is the same job at the new generation, unmarked, so its later deliveries claim that generation', () => {
    const copy = decodeEnvelope(
      encodeEnvelope({
        v: 1,
        id: 'job-1',
        job: 'demo.flaky',
        gen: 1,
        enqueuedAt: '2026-11-20T08:00:00.000Z',
        payload: { n: 1 },
        maxAttempts: 2,
        backoff: [7, 9],
        deadLettered: true,
      }),
    );

    const next = decodeEnvelope(nextGenerationBody(copy, 2, NOW));

    expect(next).toEqual({
      v: 1,
      id: 'job-1',
      job: 'demo.flaky',
      gen: 2,
      enqueuedAt: '2026-11-25T10:00:00.000Z', // a fresh start for retryUntil
      payload: { n: 1 },
      maxAttempts: 2,
      backoff: [7, 9],
    });
  });

  it('keeps a tick as the same job', () => {
    const tick = { schedule: 'arn:aws:scheduler:us-east-1:1:schedule/default/nightly', scheduledTime: '2026-11-25T02:00:00Z' };
    const copy = decodeEnvelope(encodeEnvelope({ v: 1, job: 'demo.nightly', gen: 1, tick, payload: {}, deadLettered: true }));

    const next = decodeEnvelope(nextGenerationBody(copy, 2, NOW));

    expect(next.id).toBe(copy.id);
    expect(next.tick).toEqual(copy.tick);
    expect(next.deadLettered).toBeUndefined();
  });
});
