import { describe, expect, it } from 'vitest';
import { decideAfterFailure } from '../../lambdas/consumer/failure-policy.ts';
import { JobReleasedSignal, JobTimeoutError, NonRetryableError } from '../../shared/errors.ts';
import { DEFAULT_MAX_RELEASES, MAX_RELEASE_DELAY_SECONDS } from '../../shared/priority-classes.ts';

const NOW = 1_000_000;
const base = { attempt: 1, maxAttempts: 3, backoff: [30, 60, 120], nowMs: NOW } as const;

describe('decideAfterFailure', () => {
  it('retries with the policy delay while attempts remain', () => {
    expect(decideAfterFailure({ ...base, error: new Error('boom') })).toEqual({
      kind: 'retry',
      delaySeconds: 30,
      message: 'Error: boom',
    });
    expect(decideAfterFailure({ ...base, attempt: 2, error: new Error('boom') })).toMatchObject({ delaySeconds: 60 });
  });

  it('treats a timeout as a failed attempt', () => {
    expect(decideAfterFailure({ ...base, error: new JobTimeoutError(5000) })).toMatchObject({ kind: 'retry' });
  });

  it('fails once attempts are exhausted', () => {
    expect(decideAfterFailure({ ...base, attempt: 3, error: new Error('boom') })).toEqual({
      kind: 'fail',
      reason: 'attempts exhausted (3/3): Error: boom',
    });
  });

  it('fails at once on a non-retryable error, by class or by name', () => {
    expect(decideAfterFailure({ ...base, error: new NonRetryableError('gone') }).kind).toBe('fail');
    const lookalike = Object.assign(new Error('gone'), { name: 'NonRetryableError' });
    expect(decideAfterFailure({ ...base, error: lookalike }).kind).toBe('fail');
  });

  it('asks the job whether an error is retryable, and survives a classifier that throws', () => {
    const isNonRetryable = (error: unknown) => error instanceof RangeError;
    expect(decideAfterFailure({ ...base, error: new RangeError('x'), isNonRetryable }).kind).toBe('fail');
    expect(decideAfterFailure({ ...base, error: new TypeError('x'), isNonRetryable }).kind).toBe('retry');
    const broken = () => {
      throw new Error('classifier bug');
    };
    expect(decideAfterFailure({ ...base, error: new Error('x'), isNonRetryable: broken }).kind).toBe('retry');
  });

  it('fails when the next attempt would start after retryUntil', () => {
    const decision = decideAfterFailure({ ...base, error: new Error('x'), retryUntilMs: NOW + 10_000 });
    expect(decision).toMatchObject({ kind: 'fail', reason: expect.stringMatching(/retryUntil/) });
    expect(decideAfterFailure({ ...base, error: new Error('x'), retryUntilMs: NOW + 31_000 }).kind).toBe('retry');
  });

  it('releases without failing, even on the last attempt', () => {
    expect(decideAfterFailure({ ...base, attempt: 3, error: new JobReleasedSignal(45) })).toEqual({
      kind: 'release',
      delaySeconds: 45,
    });
  });
});

describe('releases', () => {
  const released = (delaySeconds: number) => new JobReleasedSignal(delaySeconds);
  const base = { attempt: 1, maxAttempts: 3, backoff: [10], nowMs: 0 };

  it('releases up to maxReleases times, then fails naming the limit', () => {
    expect(decideAfterFailure({ ...base, error: released(5), releases: 2, maxReleases: 3 })).toEqual({ kind: 'release', delaySeconds: 5 });
    expect(decideAfterFailure({ ...base, error: released(5), releases: 3, maxReleases: 3 })).toEqual({
      kind: 'fail',
      reason: 'released 4 times, more than maxReleases (3) allows',
    });
  });

  it(`defaults to ${DEFAULT_MAX_RELEASES} releases and caps a release at ${MAX_RELEASE_DELAY_SECONDS} s`, () => {
    expect(decideAfterFailure({ ...base, error: released(7200), releases: DEFAULT_MAX_RELEASES - 1 })).toEqual({
      kind: 'release',
      delaySeconds: MAX_RELEASE_DELAY_SECONDS,
    });
    expect(decideAfterFailure({ ...base, error: released(1), releases: DEFAULT_MAX_RELEASES }).kind).toBe('fail');
  });
});
