/**
 * `show`: a job's record plus a plain sentence saying where the job is now.
 *
 * @example
 * const view = await showJob(ctx, id); // { job, whereNow: 'waiting in the default queue for attempt 2 at …' }
 */
import { SqsJobsError } from '../errors.ts';
import type { JobRecord } from '../status-store/job-record.ts';
import type { AdminContext } from './admin-context.ts';

export class JobNotFoundError extends SqsJobsError {
  constructor(readonly jobId: string) {
    // Records are written by a job's first claim, and a lean job that succeeded writes none.
    super(
      `no job record with id "${jobId}": the job has not started yet (its record is written when it starts), ` +
        'or it is a lean-tracked job that completed (only its class\'s per-minute aggregates count it: sqs-jobs stats), or the id is wrong',
    );
  }
}
Object.defineProperty(JobNotFoundError.prototype, 'name', { value: 'JobNotFoundError' });

export interface JobView {
  readonly job: JobRecord;
  readonly whereNow: string;
}

export async function showJob(ctx: AdminContext, id: string): Promise<JobView> {
  const job = await ctx.store.get(id);
  if (!job) throw new JobNotFoundError(id);
  return { job, whereNow: whereNow(job) };
}

export function whereNow(job: JobRecord): string {
  const at = (ms: number | undefined) => (ms === undefined ? '' : ` at ${new Date(ms).toISOString()}`);
  switch (job.status) {
    case 'scheduled':
      return `scheduled for${at(job.dueAt)}; not in a queue yet (sqs-jobs cancel ${job.id})`;
    case 'queued':
      return `waiting in the ${job.class} queue${job.nextAttemptAt ? ` until${at(job.nextAttemptAt)}` : ''}`;
    case 'running':
      return `running on a ${job.class} consumer (attempt ${job.attempts}, lease until${at(job.leaseUntil)})`;
    case 'retrying':
      return `waiting in the ${job.class} queue for attempt ${job.attempts + 1}${at(job.nextAttemptAt)}`;
    case 'completed':
      return 'finished';
    case 'failed':
      return `failed; its message is in the ${job.class} dead-letter queue (sqs-jobs retry ${job.id})`;
    case 'cancelled':
      return 'cancelled';
  }
}
