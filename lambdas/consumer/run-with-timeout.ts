/**
 * Runs one attempt with an AbortSignal and a deadline. A handler that ignores the signal cannot
 * be stopped, but its attempt is settled as timed out and the consumer moves on.
 *
 * @example
 * const result = await runWithTimeout((signal) => fetch(url, { signal }), 10_000);
 */
import { JobTimeoutError } from '../../shared/errors.ts';

export async function runWithTimeout<T>(
  run: (signal: AbortSignal) => Promise<T>,
  timeoutMs: number,
  controller: AbortController = new AbortController(),
): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new JobTimeoutError(timeoutMs);
      controller.abort(error);
      reject(error);
    }, Math.max(0, timeoutMs));
  });
  const attempt = Promise.resolve().then(() => run(controller.signal));
  // The attempt may still reject after the timeout won the race; that rejection is expected.
  attempt.catch(() => undefined);
  try {
    return await Promise.race([attempt, timedOut]);
  } finally {
    clearTimeout(timer);
  }
}
