/**
 * The enqueue side of `unique`: before a job's record is written, its unique key's lock is
 * taken for it, unless a holder still blocks (by its record's status and the `while` mode);
 * then that holder is returned as the enqueue's answer, and nothing is written or sent.
 * Cost: one conditional PutItem per enqueue; when it is held, one GetItem of the lock and one
 * of the holder's record. In `while: 'running'` mode only running jobs take the lock (their
 * consumer does, at claim), so an enqueue only reads it.
 */
import type { AnyJobDefinition, UniqueWhile } from '../define-job.ts';
import { isTerminal, type JobStatus } from '../lifecycle.ts';
import type { JobRecord } from '../status-store/job-record.ts';
import { uniqueItemId, type UniqueLocks } from '../status-store/unique-locks.ts';

export function blocksIn(mode: UniqueWhile, status: JobStatus): boolean {
  if (mode === 'running') return status === 'running';
  if (mode === 'queued') return status === 'scheduled' || status === 'queued' || status === 'retrying';
  return !isTerminal(status);
}

/** The job that blocks this enqueue, or undefined when the lock is now this job's (or not needed). */
export async function uniqueHolder(input: {
  definition: AnyJobDefinition | undefined;
  payload: unknown;
  jobId: string;
  locks: UniqueLocks;
  get: (id: string) => Promise<JobRecord | undefined>;
  nowMs: number;
}): Promise<JobRecord | undefined> {
  const unique = input.definition?.unique;
  if (!unique || !input.definition) return undefined;
  const itemId = uniqueItemId(input.definition.name, unique.key(input.payload));
  const blocking = async (holder: string) => {
    const job = await input.get(holder);
    return job !== undefined && blocksIn(unique.while, job.status) ? job : undefined;
  };
  if (unique.while === 'running') {
    const holder = await input.locks.holderOf(itemId);
    return holder === undefined ? undefined : blocking(holder);
  }
  const taken = await input.locks.take(itemId, input.jobId, input.nowMs + unique.forSeconds * 1000, async (holder) => (await blocking(holder)) !== undefined);
  return taken.taken ? undefined : ((await input.get(taken.holder)) ?? undefined);
}
