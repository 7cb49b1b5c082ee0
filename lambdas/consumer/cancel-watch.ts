/**
 * Watches a running job's record for an operator's cancel request (`sqs-jobs cancel <id>`).
 * Every `intervalMs` it reads the record (one strongly consistent GetItem: 1 read unit for a
 * record under 4 KB); a request for this generation aborts the attempt's signal and rejects
 * `cancelled`, which the consumer races against the attempt, as it races the timeout. A handler
 * that ignores the signal is left running detached, exactly like a timed-out one.
 *
 * @example
 * const watch = watchForCancel({ store, token, controller, intervalMs: 5000 });
 * try { await Promise.race([runWithTimeout(run, ms, controller), watch.cancelled]); } finally { watch.stop(); }
 */
import type { ClaimToken, StatusStore } from '../../shared/status-store/status-store.ts';

/** Most time between a cancel request and the consumer seeing it. */
export const CANCEL_CHECK_MAX_MS = 5000;

/** How often to look: every 5 s, or a quarter of the class timeout when that is shorter (≥ 1 s). */
export function cancelCheckIntervalMs(classTimeoutSeconds: number): number {
  return Math.max(1000, Math.min(CANCEL_CHECK_MAX_MS, Math.floor((classTimeoutSeconds * 1000) / 4)));
}

/** The attempt was cancelled by an operator; `by` / `at` come from the request. */
export class JobCancelledError extends Error {
  override readonly name = 'JobCancelledError';
  constructor(
    readonly by: string,
    readonly at: string,
  ) {
    super(`cancelled by ${by} at ${at}`);
  }
}

export interface CancelWatch {
  /** Rejects with JobCancelledError once a request is seen; never resolves. */
  readonly cancelled: Promise<never>;
  stop(): void;
}

export function watchForCancel(options: {
  store: Pick<StatusStore, 'get'>;
  token: ClaimToken;
  controller: AbortController;
  intervalMs: number;
  onError?: (error: unknown) => void;
}): CancelWatch {
  const { store, token, controller, intervalMs } = options;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;
  let reject: (error: JobCancelledError) => void = () => undefined;
  const cancelled = new Promise<never>((_, rejectWith) => {
    reject = rejectWith;
  });
  cancelled.catch(() => undefined); // raced by the caller; unobserved once the attempt ended
  const check = async () => {
    try {
      const record = await store.get(token.id);
      if (stopped) return;
      if (record?.cancelRequestedAt && record.gen === token.gen) {
        const error = new JobCancelledError(record.cancelRequestedBy ?? 'unknown', record.cancelRequestedAt);
        controller.abort(error);
        reject(error);
        return;
      }
    } catch (error) {
      options.onError?.(error); // a failed read is retried next round
    }
    if (!stopped) timer = setTimeout(() => void check(), intervalMs);
  };
  timer = setTimeout(() => void check(), intervalMs);
  return {
    cancelled,
    stop() {
      stopped = true;
      clearTimeout(timer);
    },
  };
}
