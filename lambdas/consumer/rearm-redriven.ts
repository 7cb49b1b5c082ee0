/**
 * A redriven DLQ copy of a failed job re-arms the job as its next generation, with fresh
 * attempts. The copy itself does not run: its body names the failed generation, and every later
 * delivery of it (after a retry's backoff, a visibility expiry, another redrive) would be
 * judged a stale copy, leaving the job `retrying` with no message that can run it. So, as an
 * operator retry does, a message of the new generation is sent first and the record moves to
 * that generation after; a crash in between leaves a message waiting for its record, never a
 * record without a message. The copy is then deleted.
 *
 * @example
 * if (await rearmRedrivenCopy(deps, envelope, maxAttempts)) return 'delete';
 */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { AwsClients } from '../../shared/aws-clients.ts';
import type { JobLogger } from '../../shared/define-job.ts';
import { encodeEnvelope, type Envelope } from '../../shared/envelope.ts';
import { JobStateConflictError, isErrorNamed } from '../../shared/errors.ts';
import type { StatusStore } from '../../shared/status-store/status-store.ts';
import { decideOnConflict } from './claim-decision.ts';

export interface RearmDeps {
  readonly clients: AwsClients;
  /** The class's work queue, where the new generation's message goes. */
  readonly queueUrl: string;
  readonly store: StatusStore;
  readonly logger: JobLogger;
  readonly now: () => number;
}

/**
 * True when the message was a redriven copy of a failed job and has been dealt with (the job
 * re-armed, by this copy or by another first): delete it. False: an ordinary delivery.
 */
export async function rearmRedrivenCopy(deps: RearmDeps, envelope: Envelope, maxAttempts: number): Promise<boolean> {
  if (!envelope.deadLettered) return false;
  const current = await deps.store.get(envelope.id);
  if (decideOnConflict(current, envelope, deps.now()).kind !== 'rearm') return false;
  await rearmFailedJob(deps, envelope, maxAttempts);
  return true;
}

/**
 * Re-arms the failed job this message belongs to as its next generation (the claim judged it
 * `rearm`): sends that generation's message, then moves the record. The caller deletes the message.
 */
export async function rearmFailedJob(deps: RearmDeps, envelope: Envelope, maxAttempts: number): Promise<void> {
  const gen = envelope.gen + 1;
  await deps.clients.sqs.send(
    new SendMessageCommand({ QueueUrl: deps.queueUrl, MessageBody: nextGenerationBody(envelope, gen, deps.now()) }),
  );
  try {
    await deps.store.requeueFailed(envelope.id, { fromGen: envelope.gen, toGen: gen, maxAttempts });
  } catch (error) {
    if (!isErrorNamed(error, JobStateConflictError)) throw error;
    // Another copy (or an operator retry) moved the job first. The message just sent then
    // duplicates that generation's, and the claim runs it once.
    deps.logger.info('copy dropped: the job was re-armed meanwhile', { jobId: envelope.id, messageGen: envelope.gen });
    return;
  }
  deps.logger.info('failed job re-armed as a new generation', { jobId: envelope.id, jobName: envelope.job, gen, maxAttempts });
}

/**
 * The message of a re-armed job: the same job, payload and overrides at generation `gen`,
 * unmarked, with a fresh start for `retryUntil`, as an operator retry gives.
 */
export function nextGenerationBody(envelope: Envelope, gen: number, nowMs: number): string {
  const { deadLettered: _marker, ...job } = envelope;
  return encodeEnvelope({ ...job, gen, enqueuedAt: new Date(nowMs).toISOString() });
}
