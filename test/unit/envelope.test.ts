import { describe, expect, it } from 'vitest';
import { decodeEnvelope, encodeEnvelope, salvageJobId } from '../../shared/envelope.ts';
import { EnvelopeError } from '../../shared/errors.ts';

const valid = {
  v: 1 as const,
  id: 'job-1',
  job: 'demo.flaky',
  gen: 1,
  enqueuedAt: '2026-11-25T10:00:00.000Z',
  payload: { failuresBeforeSuccess: 2 },
};

describe('envelope', () => {
  it('round-trips', () => {
    expect(decodeEnvelope(encodeEnvelope(valid))).toEqual(valid);
  });

  it('keeps per-enqueue overrides', () => {
    const withOverrides = { ...valid, maxAttempts: 5, backoff: { type: 'exponential' as const, baseSeconds: 2 } };
    expect(decodeEnvelope(encodeEnvelope(withOverrides))).toEqual(withOverrides);
  });

  it.each([
    ['not json', /not JSON/],
    [JSON.stringify({ ...valid, v: 2 }), /v: /],
    [JSON.stringify({ ...valid, id: '' }), /id: /],
    [JSON.stringify({ ...valid, gen: 0 }), /gen: /],
    [JSON.stringify({ ...valid, enqueuedAt: 'yesterday' }), /enqueuedAt: /],
    [JSON.stringify({ ...valid, backoff: [50_000] }), /backoff/],
  ])('rejects %s naming the problem', (body, message) => {
    expect(() => decodeEnvelope(body)).toThrow(EnvelopeError);
    expect(() => decodeEnvelope(body)).toThrow(message);
  });

  it('salvages a job id from a broken envelope when there is one', () => {
    expect(salvageJobId(JSON.stringify({ id: 'abc', v: 9 }))).toBe('abc');
    expect(salvageJobId('{')).toBeUndefined();
    expect(salvageJobId(JSON.stringify({ id: 42 }))).toBeUndefined();
  });
});
