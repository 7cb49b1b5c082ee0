/**
 * Retry delays as a pure function: attempt number in, visibility-timeout seconds out.
 *
 * @example
 * retryDelaySeconds([30, 60, 120], 1); // 30 — delay after the first failed attempt
 * retryDelaySeconds([30, 60, 120], 9); // 120 — the last entry repeats
 * retryDelaySeconds({ type: 'exponential', baseSeconds: 10, capSeconds: 600 }, 3); // 40
 */

/** SQS ChangeMessageVisibility accepts 0–43,200 seconds (12 hours). */
export const MAX_VISIBILITY_SECONDS = 43_200;

export interface ExponentialBackoff {
  readonly type: 'exponential';
  /** Delay after the first failure; doubles after each further failure. */
  readonly baseSeconds: number;
  /** Upper bound for one delay. @defaultValue 43200 (the SQS maximum) */
  readonly capSeconds?: number;
  /** `full` picks a uniform delay in [0, computed] (AWS's "full jitter"). @defaultValue 'none' */
  readonly jitter?: 'none' | 'full';
}

/** A list of delays in seconds (the last one repeats), or an exponential policy. */
export type BackoffPolicy = readonly number[] | ExponentialBackoff;

/**
 * Seconds to wait after failed attempt number `attempt` (1-based) before the next attempt,
 * clamped to what SQS visibility timeouts allow.
 */
export function retryDelaySeconds(
  policy: BackoffPolicy,
  attempt: number,
  random: () => number = Math.random,
): number {
  const index = Math.max(1, Math.floor(attempt)) - 1;
  let seconds: number;
  if (isDelayList(policy)) {
    seconds = policy.length === 0 ? 0 : (policy[Math.min(index, policy.length - 1)] ?? 0);
  } else {
    const cap = policy.capSeconds ?? MAX_VISIBILITY_SECONDS;
    // 2 ** 40 already exceeds any cap; clamping the exponent avoids Infinity.
    const computed = Math.min(cap, policy.baseSeconds * 2 ** Math.min(index, 40));
    seconds = policy.jitter === 'full' ? Math.floor(random() * (computed + 1)) : computed;
  }
  return clampVisibility(seconds);
}

export function clampVisibility(seconds: number): number {
  if (!Number.isFinite(seconds) || seconds < 0) return 0;
  return Math.min(MAX_VISIBILITY_SECONDS, Math.round(seconds));
}

function isDelayList(policy: BackoffPolicy): policy is readonly number[] {
  return Array.isArray(policy);
}
