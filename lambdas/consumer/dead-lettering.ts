/**
 * Moving a job to the DLQ: the marked copy with its reason, and failing a job that never ran
 * (unknown job, invalid payload, attempts used up by crashed runs). The DLQ copy always goes
 * out before the record says `failed`, so a crash in between repeats the failure instead of
 * losing the job.
 */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import type { AwsClients } from '../../shared/aws-clients.ts';
import { deadLetterAttributes } from '../../shared/dead-letter.ts';
import { releaseJob, type AnyJobDefinition, type JobLogger } from '../../shared/define-job.ts';
import { encodeEnvelope, type Envelope, type EnvelopeOverrides } from '../../shared/envelope.ts';
import { JobStateConflictError, errorMessage, isErrorNamed } from '../../shared/errors.ts';
import { isTerminal } from '../../shared/lifecycle.ts';
import type { QueueLocation } from '../../shared/pipeline-config.ts';
import type { PriorityClass } from '../../shared/priority-classes.ts';
import { appendError } from '../../shared/status-store/job-record.ts';
import type { StatusStore } from '../../shared/status-store/status-store.ts';
import type { JobMetrics } from './job-metrics.ts';
import type { VisibilityChanges } from './visibility-changes.ts';

/** Where a job stands before it runs: enough to fail it if it never will. */
export interface JobFacts {
  readonly id: string;
  readonly gen: number;
  readonly name: string;
  readonly enqueuedAt?: string;
  readonly maxAttempts?: number;
  readonly payload?: unknown;
  readonly overrides?: EnvelopeOverrides;
}

export interface DeadLetteringDeps {
  readonly className: string;
  readonly cls: PriorityClass;
  readonly queue: QueueLocation;
  readonly clients: AwsClients;
  readonly store: StatusStore;
  readonly logger: JobLogger;
  readonly metrics: JobMetrics;
  readonly now: () => number;
  /** Frees a `skip` schedule once its tick finished for good. */
  readonly releaseOverlap: (envelope: Envelope) => Promise<void>;
}

export function createDeadLettering(deps: DeadLetteringDeps) {
  const { clients, store, logger, metrics, now, queue } = deps;

  /** Copies a message to the DLQ; a decodable envelope is marked so that a redrive may re-run it. */
  async function deadLetter(
    record: SQSRecord,
    envelope: Envelope | undefined,
    reason: string,
    job: Partial<JobFacts>,
    attempts?: number,
  ): Promise<void> {
    await clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: queue.dlqUrl,
        MessageBody: envelope ? encodeEnvelope({ ...envelope, deadLettered: true }) : record.body,
        MessageAttributes: deadLetterAttributes({
          reason,
          failedAt: new Date(now()).toISOString(),
          sourceMessageId: record.messageId,
          ...(job.id !== undefined ? { jobId: job.id } : {}),
          ...(job.name !== undefined ? { jobName: job.name } : {}),
          ...(attempts !== undefined ? { attempts } : {}),
        }),
      }),
    );
  }

  /**
   * Fails a job that did not run (or whose runs never finished): DLQ copy, then the record,
   * then `onFailed` when the job's definition and payload are known.
   */
  async function failUnrun(
    record: SQSRecord,
    envelope: Envelope,
    job: JobFacts,
    reason: string,
    visibility: VisibilityChanges,
    hook?: { definition: AnyJobDefinition; payload: unknown },
  ): Promise<'delete' | 'keep'> {
    const current = await store.get(job.id);
    if (current && current.gen > job.gen) {
      logger.info('stale copy dropped', { jobId: job.id, messageGen: job.gen, jobGen: current.gen });
      return 'delete';
    }
    if (current && current.gen === job.gen && isTerminal(current.status)) {
      if (envelope.deadLettered && current.status === 'failed') {
        // A redriven copy that still cannot run goes back to the DLQ with its reason, not away.
        await deadLetter(record, envelope, reason, job);
        logger.warn('redriven job still cannot run; back to the dead-letter queue', { jobId: job.id, reason });
        return 'delete';
      }
      logger.info('duplicate delivery of a finished job dropped', { jobId: job.id, status: current.status });
      return 'delete';
    }
    await deadLetter(record, envelope, reason, job);
    const errors = appendError(current?.errors, {
      attempt: current?.attempts ?? 0,
      at: new Date(now()).toISOString(),
      message: reason,
    });
    try {
      await store.fail(
        {
          id: job.id,
          gen: job.gen,
          name: job.name,
          class: deps.className,
          maxAttempts: job.maxAttempts ?? deps.cls.attempts,
          ...(job.enqueuedAt ? { enqueuedAt: job.enqueuedAt } : {}),
        },
        { errors, reason, payload: job.payload, ...(job.overrides ? { overrides: job.overrides } : {}) },
      );
    } catch (error) {
      if (!isErrorNamed(error, JobStateConflictError)) throw error; // transient: the delivery repeats
      // The job moved meanwhile (a live attempt, an operator): look again shortly. The DLQ copy
      // just sent is then a stray; its generation keeps a redrive from running the job twice.
      logger.warn('job changed before it could be marked failed; deferring', { jobId: job.id });
      visibility.set(record, 2);
      return 'keep';
    }
    metrics.failed(job.name);
    logger.error('job failed without running', { jobId: job.id, jobName: job.name, reason });
    if (hook) await callOnFailed(hook.definition, hook.payload, new Error(reason), job, current?.attempts ?? 0);
    await deps.releaseOverlap(envelope);
    return 'delete';
  }

  async function callOnFailed(
    definition: AnyJobDefinition,
    payload: unknown,
    error: unknown,
    job: Pick<JobFacts, 'id' | 'name' | 'enqueuedAt'>,
    attempt: number,
  ): Promise<void> {
    if (!definition.onFailed) return;
    const jobLogger = withKeys(logger, { jobId: job.id, jobName: job.name, attempt });
    try {
      await definition.onFailed(payload, error, {
        jobId: job.id,
        jobName: job.name,
        attempt,
        maxAttempts: attempt,
        enqueuedAt: new Date(job.enqueuedAt ?? now()),
        signal: new AbortController().signal,
        logger: jobLogger,
        setProgress: async () => undefined,
        release: releaseJob,
      });
    } catch (hookError) {
      jobLogger.error('onFailed hook threw', { error: errorMessage(hookError) });
    }
  }

  return { deadLetter, failUnrun };
}

export function withKeys(logger: JobLogger, keys: Record<string, unknown>): JobLogger {
  return {
    debug: (message, extra) => logger.debug(message, { ...keys, ...extra }),
    info: (message, extra) => logger.info(message, { ...keys, ...extra }),
    warn: (message, extra) => logger.warn(message, { ...keys, ...extra }),
    error: (message, extra) => logger.error(message, { ...keys, ...extra }),
  };
}
