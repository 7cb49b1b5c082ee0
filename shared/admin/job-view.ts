/**
 * `show`: a job's record plus a plain sentence saying where the job is now.
 *
 * @example
 * const view = await showJob(ctx, id); // { job, whereNow: 'waiting in the default queue for attempt 2 at …' }
 */
import { SqsJobsError } from '../errors.ts';
import type { JobRecord } from '../status-store/job-record.ts';
import type { AdminContext } from './admin-context.ts';
import { membershipOfJob, type JobMembership } from './workflow-admin.ts';

export class JobNotFoundError extends SqsJobsError {
  constructor(
    readonly jobId: string,
    hint?: string,
  ) {
    super(`no job with id "${jobId}"${hint ? `: ${hint}` : ''}`);
  }
}
Object.defineProperty(JobNotFoundError.prototype, 'name', { value: 'JobNotFoundError' });

const NO_RECORD_HINT =
  'no record yet. A job is recorded when it starts, so it may still wait in its queue; a lean-tracked job ' +
  "that completed leaves no record (its class's per-minute aggregates count it: sqs-jobs stats); or the id is wrong";

export interface JobView {
  readonly job: JobRecord;
  readonly whereNow: string;
  /** The batch or chain the job belongs to, and its position there. */
  readonly workflow?: JobMembership;
}

export async function showJob(ctx: AdminContext, id: string): Promise<JobView> {
  const job = await ctx.store.get(id);
  // Records are written by a job's first claim, and a lean job that succeeded writes none.
  if (!job) throw new JobNotFoundError(id, NO_RECORD_HINT);
  const workflow = await membershipOfJob(ctx, job);
  return { job, whereNow: whereNow(job), ...(workflow ? { workflow } : {}) };
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
