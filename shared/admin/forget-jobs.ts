/**
 * `forget` and `flush`: remove failed jobs, their records and their DLQ copies. `flush` first
 * lists what it would remove; `forgetJobs` then removes exactly those ids, and skips any job
 * that is no longer failed (retried meanwhile).
 *
 * @example
 * const doomed = await listFlushable(ctx, { class: 'default', olderThan: new Date(Date.now() - 7 * DAY) });
 * await forgetJobs(ctx, doomed.map((job) => job.id));
 */
import { mapWithConcurrency } from '../concurrency.ts';
import { errorMessage } from '../errors.ts';
import type { JobRecord } from '../status-store/job-record.ts';
import type { AdminContext, JobActionResult } from './admin-context.ts';
import { allFailedJobs } from './failure-stats.ts';
import { removeDeadLetterCopies } from './retry-jobs.ts';

export async function listFlushable(
  ctx: AdminContext,
  filter: { class?: string; job?: string; olderThan?: Date },
): Promise<JobRecord[]> {
  return (await allFailedJobs(ctx, filter, 100_000)).jobs;
}

export async function forgetJobs(ctx: AdminContext, ids: readonly string[]): Promise<JobActionResult[]> {
  const removed: { id: string; class: string; gen: number }[] = [];
  const results = await mapWithConcurrency(ids, 8, async (id): Promise<JobActionResult> => {
    const record = await ctx.store.get(id);
    if (!record) return { id, ok: false, error: `no job with id "${id}"` };
    if (record.status !== 'failed') return { id, ok: false, error: `job is ${record.status}; only failed jobs can be forgotten` };
    try {
      await ctx.store.removeFailed(id);
    } catch (error) {
      return { id, ok: false, error: errorMessage(error) };
    }
    removed.push({ id, class: record.class, gen: record.gen });
    return { id, ok: true, detail: 'record removed' };
  });
  const copies = await removeDeadLetterCopies(ctx, removed);
  return results.map((r) => (r.ok ? { ...r, detail: `${r.detail}; DLQ copies removed with the batch: ${copies}` } : r));
}
