/**
 * The job lifecycle as a closed union and one transition table. The status store builds every
 * conditional write from this table, so a write can only move a job along an edge listed here.
 *
 * @example
 * canTransition('running', 'completed'); // true
 * sourcesOf('running'); // ['queued', 'running', 'retrying'] — `running` again when a lease expired
 */

export const jobStatuses = ['scheduled', 'queued', 'running', 'retrying', 'completed', 'failed', 'cancelled'] as const;
export type JobStatus = (typeof jobStatuses)[number];

const transitions = {
  // scheduled: due later than SQS can delay a message; the dispatcher queues it when due.
  scheduled: ['queued', 'cancelled'],
  // queued → failed: a poison message (unknown job, invalid payload) fails before it runs.
  queued: ['running', 'failed', 'cancelled'],
  // running → running: a crashed attempt's lease expired and another delivery takes over.
  // running → queued: the handler released the job (`ctx.release`) without failing.
  // running → cancelled: the consumer honoured an operator's cancel request.
  running: ['completed', 'retrying', 'failed', 'queued', 'running', 'cancelled'],
  retrying: ['running', 'failed', 'cancelled'],
  completed: [],
  // failed → queued: an operator retries the job (a new generation) or redrives its DLQ copy.
  failed: ['queued'],
  cancelled: [],
} as const satisfies Record<JobStatus, readonly JobStatus[]>;

export const terminalStatuses: readonly JobStatus[] = ['completed', 'failed', 'cancelled'];

export function isTerminal(status: JobStatus): boolean {
  return terminalStatuses.includes(status);
}

export function canTransition(from: JobStatus, to: JobStatus): boolean {
  return (transitions[from] as readonly JobStatus[]).includes(to);
}

/** Every status a job may be in right before it moves to `to`. */
export function sourcesOf(to: JobStatus): JobStatus[] {
  return jobStatuses.filter((from) => canTransition(from, to));
}

export function isJobStatus(value: unknown): value is JobStatus {
  return typeof value === 'string' && (jobStatuses as readonly string[]).includes(value);
}
