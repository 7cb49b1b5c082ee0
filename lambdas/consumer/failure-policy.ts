/**
 * What a failed attempt leads to: release, retry after a delay, or fail for good. Pure.
 *
 * @example
 * decideAfterFailure({ error: new Error('503'), attempt: 1, maxAttempts: 3, backoff: [30, 60], nowMs });
 * // { kind: 'retry', delaySeconds: 30 }
 */
import { clampVisibility, retryDelaySeconds, type BackoffPolicy } from '../../shared/backoff.ts';
import { JobReleasedSignal, NonRetryableError, errorMessage, isErrorNamed } from '../../shared/errors.ts';
import { DEFAULT_MAX_RELEASES, MAX_RELEASE_DELAY_SECONDS } from '../../shared/priority-classes.ts';

export type FailureDecision =
  | { readonly kind: 'release'; readonly delaySeconds: number }
  | { readonly kind: 'retry'; readonly delaySeconds: number; readonly message: string }
  | { readonly kind: 'fail'; readonly reason: string };

export interface FailedAttempt {
  readonly error: unknown;
  /** 1-based number of the attempt that failed. */
  readonly attempt: number;
  readonly maxAttempts: number;
  readonly backoff: BackoffPolicy;
  readonly nowMs: number;
  /** Epoch ms after which no attempt may start. */
  readonly retryUntilMs?: number;
  readonly isNonRetryable?: (error: unknown) => boolean;
  /** Releases the job made before this attempt. @defaultValue 0 */
  readonly releases?: number;
  /** @defaultValue DEFAULT_MAX_RELEASES */
  readonly maxReleases?: number;
}

export function decideAfterFailure(failed: FailedAttempt): FailureDecision {
  const { error, attempt, maxAttempts } = failed;
  if (isErrorNamed(error, JobReleasedSignal)) {
    const maxReleases = failed.maxReleases ?? DEFAULT_MAX_RELEASES;
    const releases = failed.releases ?? 0;
    if (releases >= maxReleases) {
      return { kind: 'fail', reason: `released ${releases + 1} times, more than maxReleases (${maxReleases}) allows` };
    }
    return { kind: 'release', delaySeconds: Math.min(clampVisibility(error.delaySeconds), MAX_RELEASE_DELAY_SECONDS) };
  }
  const message = errorMessage(error);
  if (isErrorNamed(error, NonRetryableError) || safelyNonRetryable(failed.isNonRetryable, error)) {
    return { kind: 'fail', reason: `non-retryable error on attempt ${attempt}: ${message}` };
  }
  if (attempt >= maxAttempts) {
    return { kind: 'fail', reason: `attempts exhausted (${attempt}/${maxAttempts}): ${message}` };
  }
  const delaySeconds = retryDelaySeconds(failed.backoff, attempt);
  if (failed.retryUntilMs !== undefined && failed.nowMs + delaySeconds * 1000 > failed.retryUntilMs) {
    return {
      kind: 'fail',
      reason: `retryUntil (${new Date(failed.retryUntilMs).toISOString()}) passed after attempt ${attempt}: ${message}`,
    };
  }
  return { kind: 'retry', delaySeconds, message };
}

/** A throwing classifier must not turn a retryable failure into a lost job. */
function safelyNonRetryable(classify: ((error: unknown) => boolean) | undefined, error: unknown): boolean {
  try {
    return classify?.(error) === true;
  } catch {
    return false;
  }
}
