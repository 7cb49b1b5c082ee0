/**
 * Runs one SQS record through the job lifecycle and says whether the message is done
 * (`delete`) or must come back later (`keep`, reported as a batch item failure).
 *
 * Order matters for at-least-once delivery:
 * - a retry sets the message's visibility (sent for the whole batch before the batch response
 *   returns) *before* the item is reported as failed;
 * - a terminal failure sends the DLQ copy *before* the record says `failed`, so a crash in
 *   between repeats the failure instead of losing the job;
 * - the attempt count of record is the job record's, never SQS's receive count.
 */
import type { SQSRecord } from 'aws-lambda';
import type { AwsClients } from '../../shared/aws-clients.ts';
import type { BackoffPolicy } from '../../shared/backoff.ts';
import { releaseJob, type AnyJobDefinition, type JobContext, type JobLogger } from '../../shared/define-job.ts';
import { decodeEnvelope, overridesOf, type Envelope } from '../../shared/envelope.ts';
import {
  JobStateConflictError,
  JobTimeoutError,
  NonRetryableError,
  PayloadValidationError,
  UnknownJobError,
  errorMessage,
  isErrorNamed,
} from '../../shared/errors.ts';
import type { JobRegistry } from '../../shared/job-registry.ts';
import type { QueueLocation } from '../../shared/pipeline-config.ts';
import type { PriorityClass } from '../../shared/priority-classes.ts';
import { appendError, type JobErrorEntry } from '../../shared/status-store/job-record.ts';
import { createConcurrencySlots } from '../../shared/status-store/concurrency-slots.ts';
import { createRateLimiter } from '../../shared/status-store/rate-limiter.ts';
import { createUniqueLocks } from '../../shared/status-store/unique-locks.ts';
import type { ScheduleLock } from '../../shared/status-store/schedule-lock.ts';
import type { ClaimToken, StatusStore } from '../../shared/status-store/status-store.ts';
import { decideOnConflict } from './claim-decision.ts';
import { JobCancelledError, cancelCheckIntervalMs, watchForCancel } from './cancel-watch.ts';
import { createDeadLettering, withKeys, type JobFacts } from './dead-lettering.ts';
import { decideAfterFailure } from './failure-policy.ts';
import type { JobMetrics } from './job-metrics.ts';
import { passFlowGates, type HeldSlot } from './flow-gates.ts';
import { rearmFailedJob, rearmRedrivenCopy } from './rearm-redriven.ts';
import { createScheduleTicks } from './schedule-ticks.ts';
import { createLastTickPointers } from '../../shared/status-store/last-tick-pointer.ts';
import { isLeanFirstDelivery, runLean } from './lean-run.ts';
import { runWithTimeout } from './run-with-timeout.ts';
import type { VisibilityChanges } from './visibility-changes.ts';

export type RecordOutcome = 'delete' | 'keep';


export interface RecordProcessorDeps {
  readonly registry: JobRegistry;
  readonly className: string;
  readonly cls: PriorityClass;
  readonly queue: QueueLocation;
  readonly clients: AwsClients;
  readonly store: StatusStore;
  /** The job table, for flow-control items (rate-limit slots). */
  readonly tableName: string;
  readonly scheduleLock: ScheduleLock;
  readonly logger: JobLogger;
  readonly metrics: JobMetrics;
  readonly now: () => number;
  /** Records are not started this close to the function deadline. */
  readonly deadlineMarginMs: number;
  /** How often a running job's record is read for a cancel request. @defaultValue cancelCheckIntervalMs(class timeout) */
  readonly cancelCheckMs?: number;
}

export function createRecordProcessor(deps: RecordProcessorDeps) {
  const { clients, store, logger, metrics, now, queue, scheduleLock } = deps;

  const ticks = createScheduleTicks({
    scheduleLock,
    pointers: createLastTickPointers({ documentClient: clients.dynamodb, tableName: deps.tableName }),
    store,
    logger,
  });
  const { releaseOverlap } = ticks;

  const { deadLetter, failUnrun } = createDeadLettering({ ...deps, releaseOverlap });
  const limiter = createRateLimiter({ documentClient: clients.dynamodb, tableName: deps.tableName, now });
  const slots = createConcurrencySlots({ documentClient: clients.dynamodb, tableName: deps.tableName, now });
  const locks = createUniqueLocks({ documentClient: clients.dynamodb, tableName: deps.tableName, now });

  /** Runs a record; a concurrency slot its job took is given back however the run ends. */
  async function process(record: SQSRecord, deadlineMs: number, visibility: VisibilityChanges): Promise<RecordOutcome> {
    const held: HeldSlot = {};
    try {
      return await processHolding(record, deadlineMs, visibility, held);
    } finally {
      await held.release?.();
    }
  }

  async function processHolding(record: SQSRecord, deadlineMs: number, visibility: VisibilityChanges, held: HeldSlot): Promise<RecordOutcome> {
    let envelope: Envelope;
    try {
      envelope = decodeEnvelope(record.body);
    } catch (error) {
      const reason = `poison message: ${errorMessage(error)}`;
      await deadLetter(record, undefined, reason, {});
      metrics.failed('(invalid-envelope)');
      logger.error('poison message moved to the dead-letter queue', { messageId: record.messageId, reason });
      return 'delete';
    }
    const facts: JobFacts = {
      id: envelope.id,
      gen: envelope.gen,
      name: envelope.job,
      enqueuedAt: envelope.enqueuedAt,
      payload: envelope.payload,
      overrides: overridesOf(envelope),
      ...(envelope.maxAttempts !== undefined ? { maxAttempts: envelope.maxAttempts } : {}),
    };

    const definition = deps.registry.get(envelope.job);
    if (!definition) return failUnrun(record, envelope, facts, new UnknownJobError(envelope.job).message, visibility);
    const parsed = definition.schema.safeParse(envelope.payload);
    if (!parsed.success) {
      const error = new PayloadValidationError(
        envelope.job,
        parsed.error.issues.map((issue) => ({ path: issue.path.map(String).join('.'), message: issue.message })),
      );
      return failUnrun(record, envelope, facts, error.message, visibility);
    }

    const startMs = now();
    const remainingMs = deadlineMs - startMs - deps.deadlineMarginMs;
    if (remainingMs <= 0) {
      // Too close to the function timeout to start: back to the queue, no attempt counted.
      visibility.set(record, 0);
      return 'keep';
    }
    const maxAttempts = envelope.maxAttempts ?? definition.attempts ?? deps.cls.attempts;
    if (await rearmRedrivenCopy({ clients, queueUrl: queue.queueUrl, store, logger, now }, envelope, maxAttempts)) {
      return 'delete';
    }
    const enqueuedAtDate = new Date(envelope.enqueuedAt);
    const retryUntilMs = definition.retryUntil?.(enqueuedAtDate).getTime();

    if (!(await ticks.acquireOverlap(envelope, { ...facts, class: deps.className, maxAttempts, enqueuedAt: envelope.enqueuedAt }))) return 'delete';
    const fullTimeoutMs = (definition.timeoutSeconds ?? deps.cls.timeoutSeconds) * 1000;
    const timeoutMs = Math.min(fullTimeoutMs, remainingMs);
    // Past its retryUntil, a lean job takes the claim path, which fails it with that reason.
    const lean = isLeanFirstDelivery(envelope, record) && (retryUntilMs === undefined || startMs <= retryUntilMs)
      ? await runLean({ definition, payload: parsed.data, envelope, maxAttempts, timeoutMs, logger, metrics, now })
      : undefined;
    if (lean?.ok) return 'delete';
    const claimInput = {
      id: envelope.id,
      gen: envelope.gen,
      // A plain job's record is written by its first claim, not at enqueue; a dead-lettered
      // copy whose record is gone belongs to a job an operator forgot, and must not come back.
      createIfMissing: envelope.deadLettered !== true,
      name: envelope.job,
      class: deps.className,
      maxAttempts,
      enqueuedAt: envelope.enqueuedAt,
      // Outlives this attempt (which cannot pass the function deadline) but not the visibility timeout.
      leaseMs: deadlineMs - startMs + deps.deadlineMarginMs,
    };
    const claim = await store.claim(claimInput);
    if (!claim.claimed) {
      const decision = decideOnConflict(claim.record, envelope, now());
      logger.info(`delivery not run: ${decision.why}`, { jobId: envelope.id, jobName: envelope.job, decision: decision.kind });
      if (decision.kind === 'drop') return 'delete';
      if (decision.kind === 'rearm') {
        await rearmFailedJob({ clients, queueUrl: queue.queueUrl, store, logger, now }, envelope, maxAttempts);
        return 'delete';
      }
      if (decision.kind === 'defer') {
        visibility.set(record, decision.seconds);
        return 'keep';
      }
      return failUnrun(record, envelope, facts, decision.why, visibility, { definition, payload: parsed.data });
    }

    const { token } = claim;
    await ticks.claimed(envelope);
    const dueMs = Math.max(Date.parse(claim.record.enqueuedAt), claim.record.nextAttemptAt ?? 0, claim.record.dueAt ?? 0);
    metrics.waited(envelope.job, startMs - dueMs);
    const controller = new AbortController();
    const jobLogger = withKeys(logger, { jobId: token.id, jobName: envelope.job, attempt: token.attempt });
    const context: JobContext = {
      jobId: token.id,
      jobName: envelope.job,
      attempt: token.attempt,
      maxAttempts: claim.record.maxAttempts,
      enqueuedAt: enqueuedAtDate,
      signal: controller.signal,
      logger: jobLogger,
      setProgress: (percent) => store.setProgress(token, percent),
      release: releaseJob,
    };

    const settle = (error: unknown) =>
      settleFailure(record, visibility, definition, envelope, parsed.data, error, {
        token,
        context,
        jobLogger,
        startMs,
        errors: claim.record.errors,
        backoff: envelope.backoff ?? definition.backoff ?? deps.cls.backoff,
        retryUntilMs,
        cutShortByDeadline: timeoutMs < fullTimeoutMs,
        releases: claim.record.releases ?? 0,
      });
    // Settles a cancel request: the job ends `cancelled`, is not retried and onFailed is not called.
    const cancel = async (by: string, at: string): Promise<RecordOutcome> => {
      try {
        await store.settleCancelled(token, { by, at });
      } catch (error) {
        if (!isErrorNamed(error, JobStateConflictError)) {
          // The next delivery claims the job, sees the request on the record and settles it then.
          jobLogger.error('cancellation not recorded; the delivery will repeat', { error: errorMessage(error) });
          return 'keep';
        }
      }
      jobLogger.info('job cancelled while running', { by, at });
      await releaseOverlap(envelope);
      return 'delete';
    };
    // Asked to cancel during an earlier attempt that then failed or was released: do not run again.
    if (claim.record.cancelRequestedAt) return cancel(claim.record.cancelRequestedBy ?? 'unknown', claim.record.cancelRequestedAt);
    // A lean first run failed before anything was on record: settle it now that the claim is.
    if (lean) return settle(lean.error);
    const gates = await passFlowGates({
      limiter,
      slots,
      locks,
      store,
      definition,
      payload: parsed.data,
      claimed: claim.record,
      token,
      leaseUntil: claim.record.leaseUntil ?? deadlineMs + deps.deadlineMarginMs,
      record,
      visibility,
      logger: jobLogger,
      now,
      held,
    });
    if (gates.kind === 'error') return settle(gates.error);
    if (gates.kind === 'wait') return 'keep';
    if (retryUntilMs !== undefined && startMs > retryUntilMs) {
      // Checked under the claim, so a duplicate delivery cannot fail a job that is running.
      return settle(new NonRetryableError(`retryUntil (${new Date(retryUntilMs).toISOString()}) passed before the attempt started`));
    }

    jobLogger.info('job started', { maxAttempts: claim.record.maxAttempts });
    const watch = watchForCancel({
      store,
      token,
      controller,
      intervalMs: deps.cancelCheckMs ?? cancelCheckIntervalMs(deps.cls.timeoutSeconds),
      onError: (e) => jobLogger.warn('cancel check failed', { error: errorMessage(e) }),
    });
    try {
      const attempt = runWithTimeout(() => definition.handle(parsed.data, context), timeoutMs, controller);
      const result = await Promise.race([attempt, watch.cancelled]).finally(() => watch.stop());
      const durationMs = now() - startMs;
      try {
        await store.complete(token, result);
      } catch (error) {
        // The job ran; without its completion on record the message must stay, so that the
        // lease expiry lets a later delivery settle it (at-least-once).
        jobLogger.error('job ran but its completion could not be recorded', { error: errorMessage(error) });
        return 'keep';
      }
      metrics.completed(envelope.job, durationMs);
      jobLogger.info('job completed', { durationMs });
      await releaseOverlap(envelope);
      return 'delete';
    } catch (error) {
      // The handler may throw its own abort error before the watch's rejection wins the race.
      const reason: unknown = controller.signal.reason;
      if (error instanceof JobCancelledError) return cancel(error.by, error.at);
      if (reason instanceof JobCancelledError) return cancel(reason.by, reason.at);
      return settle(error);
    }
  }

  async function settleFailure(
    record: SQSRecord,
    visibility: VisibilityChanges,
    definition: AnyJobDefinition,
    envelope: Envelope,
    payload: unknown,
    error: unknown,
    run: {
      token: ClaimToken;
      context: JobContext;
      jobLogger: JobLogger;
      startMs: number;
      errors: readonly JobErrorEntry[] | undefined;
      backoff: BackoffPolicy;
      retryUntilMs: number | undefined;
      /** The attempt had less than the job's own timeout, because the invocation was ending. */
      cutShortByDeadline: boolean;
      /** Releases the job made before this attempt. */
      releases: number;
    },
  ): Promise<RecordOutcome> {
    const { token, jobLogger } = run;
    const nowMs = now();
    const durationMs = nowMs - run.startMs;
    // A timeout the job's own limit did not cause is not its failure: hand it back uncounted.
    const handBack = run.cutShortByDeadline && isErrorNamed(error, JobTimeoutError);
    const decision = handBack
      ? ({ kind: 'release', delaySeconds: 0 } as const)
      : decideAfterFailure({
      error,
      attempt: token.attempt,
      maxAttempts: run.context.maxAttempts,
      backoff: run.backoff,
      nowMs,
      ...(run.retryUntilMs !== undefined ? { retryUntilMs: run.retryUntilMs } : {}),
      ...(definition.isNonRetryable ? { isNonRetryable: definition.isNonRetryable } : {}),
      releases: run.releases,
      ...(definition.maxReleases !== undefined ? { maxReleases: definition.maxReleases } : {}),
    });

    if (decision.kind === 'release') {
      // A hand-back near the deadline is not the job's release: it does not count against maxReleases.
      const recorded = await store.release(token, nowMs + decision.delaySeconds * 1000, { counted: !handBack }).then(
        () => true,
        (e: unknown) => {
          jobLogger.warn('release not recorded', { error: errorMessage(e) });
          return false;
        },
      );
      // Unrecorded, the record still says running: the message must come back when the lease
      // ends (the invocation's own cover), not after a delay nothing on record explains.
      if (recorded) visibility.set(record, decision.delaySeconds);
      if (!handBack) metrics.released(envelope.job);
      jobLogger.info('job released', { delaySeconds: decision.delaySeconds, handBack });
      return 'keep';
    }

    const stack = error instanceof Error ? error.stack : undefined;
    const entry = { attempt: token.attempt, at: new Date(nowMs).toISOString(), message: errorMessage(error), ...(stack ? { stack } : {}) };
    const errors = appendError(run.errors, entry);

    if (decision.kind === 'retry') {
      const nextAttemptAt = nowMs + decision.delaySeconds * 1000;
      const recorded = await store.scheduleRetry(token, { errors, nextAttemptAt }).then(
        () => true,
        (e: unknown) => {
          jobLogger.warn('retry not recorded', { error: errorMessage(e) });
          return false;
        },
      );
      if (recorded) visibility.set(record, decision.delaySeconds);
      metrics.retried(envelope.job, durationMs);
      jobLogger.warn('job attempt failed; retrying', { delaySeconds: decision.delaySeconds, error: entry.message });
      return 'keep';
    }

    try {
      await deadLetter(record, envelope, decision.reason, { id: token.id, name: envelope.job }, token.attempt);
    } catch (dlqError) {
      // Without a DLQ copy the record must not say failed: keep the message so this repeats.
      jobLogger.error('could not move the failed job to the dead-letter queue', { error: errorMessage(dlqError) });
      return 'keep';
    }
    try {
      await store.fail({ token }, { errors, reason: decision.reason, payload: envelope.payload, overrides: overridesOf(envelope) });
    } catch (failError) {
      if (!isErrorNamed(failError, JobStateConflictError)) {
        // Transient: keep the message so the failure is settled again (its DLQ copy may repeat).
        jobLogger.error('failure not recorded; the delivery will repeat', { error: errorMessage(failError) });
        return 'keep';
      }
      jobLogger.warn('failure not recorded: the job moved on', { error: errorMessage(failError) });
    }
    metrics.failed(envelope.job, durationMs);
    jobLogger.error('job failed', { reason: decision.reason });
    await releaseOverlap(envelope);
    if (definition.onFailed) {
      try {
        await definition.onFailed(payload, error, run.context);
      } catch (hookError) {
        jobLogger.error('onFailed hook threw', { error: errorMessage(hookError) });
      }
    }
    return 'delete';
  }

  return process;
}
