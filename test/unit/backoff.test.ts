import { describe, expect, it } from 'vitest';
import { MAX_VISIBILITY_SECONDS, clampVisibility, retryDelaySeconds } from '../../shared/backoff.ts';

describe('retryDelaySeconds', () => {
  it.each([
    [[30, 60, 120], 1, 30],
    [[30, 60, 120], 2, 60],
    [[30, 60, 120], 3, 120],
    [[30, 60, 120], 7, 120], // the last delay repeats
    [[600], 1, 600],
    [[], 1, 0],
  ] as const)('list %j after attempt %i waits %is', (policy, attempt, expected) => {
    expect(retryDelaySeconds(policy, attempt)).toBe(expected);
  });

  it.each([
    [1, 10],
    [2, 20],
    [3, 40],
    [5, 160],
    [6, 300], // capped
    [60, 300], // huge exponents stay finite and capped
  ])('exponential after attempt %i waits %is', (attempt, expected) => {
    expect(retryDelaySeconds({ type: 'exponential', baseSeconds: 10, capSeconds: 300 }, attempt)).toBe(expected);
  });

  it('full jitter stays within [0, computed]', () => {
    const policy = { type: 'exponential', baseSeconds: 10, capSeconds: 300, jitter: 'full' } as const;
    expect(retryDelaySeconds(policy, 3, () => 0)).toBe(0);
    expect(retryDelaySeconds(policy, 3, () => 0.999999)).toBe(40);
    expect(retryDelaySeconds(policy, 3, () => 0.5)).toBe(20);
  });

  it('never exceeds the SQS visibility maximum', () => {
    expect(retryDelaySeconds([100_000], 1)).toBe(MAX_VISIBILITY_SECONDS);
    expect(retryDelaySeconds({ type: 'exponential', baseSeconds: 3600 }, 10)).toBe(MAX_VISIBILITY_SECONDS);
  });

  it('clamps nonsense to zero', () => {
    expect(clampVisibility(-5)).toBe(0);
    expect(clampVisibility(Number.NaN)).toBe(0);
    expect(clampVisibility(2.4)).toBe(2);
  });
});
