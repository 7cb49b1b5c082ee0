/**
 * Waits until a job reaches a final status (completed, failed, cancelled), for scripts and
 * tests. It polls the record with GetItem (eventually consistent, half a read unit per call for a
 * record under 4 KB), starting at `intervalMs` and doubling up to `maxIntervalMs`: a job that
 * takes a minute costs about 35 reads with the defaults.
 *
 * @example
 * const job = await jobs.enqueue('hello.say', { to: 'Ada' });
 * const record = await jobs.waitFor(job.id, { timeoutMs: 30_000 });
 * record.status; // 'completed'
 */
import { WaitTimeoutError } from '../errors.ts';
import { isTerminal } from '../lifecycle.ts';
import type { JobRecord } from '../status-store/job-record.ts';
import type { StatusStore } from '../status-store/status-store.ts';

export interface WaitForOptions {
  /** Reject after this long. @defaultValue 60000 */
  readonly timeoutMs?: number;
  /** First pause between reads. @defaultValue 100 */
  readonly intervalMs?: number;
  /** Longest pause between reads. @defaultValue 2000 */
  readonly maxIntervalMs?: number;
}

export async function waitForJob(store: StatusStore, id: string, options: WaitForOptions = {}): Promise<JobRecord> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  let interval = options.intervalMs ?? 100;
  const maxInterval = options.maxIntervalMs ?? 2_000;
  for (;;) {
    const record = await store.get(id);
    if (record && isTerminal(record.status)) return record;
    const left = deadline - Date.now();
    if (left <= 0) throw new WaitTimeoutError(id, record?.status);
    await new Promise((resolve) => setTimeout(resolve, Math.min(interval, left)));
    interval = Math.min(interval * 2, maxInterval);
  }
}
