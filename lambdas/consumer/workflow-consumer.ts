/**
 * Workflows and events around the record processor, without changing it: the processor writes
 * through an observed status store, which notes each transition a delivery made (completed,
 * failed, retrying, cancelled); after the record is settled this layer publishes the events and
 * advances the job's workflow. Before it runs, a member of a cancelled batch is skipped.
 *
 * A delivery that made no transition (a duplicate of a finished member) reads the record and
 * advances again: idempotent, it finishes what a crash between settle and advance left. If
 * advancing fails the message is kept, so a later delivery repeats it.
 *
 * @example
 * const observed = observeStore(store);
 * const process = withWorkflows(createRecordProcessor({ ...deps, store: observed.store }), { observed, … });
 */
import type { SQSRecord } from 'aws-lambda';
import type { JobLogger } from '../../shared/define-job.ts';
import { decodeEnvelope, salvageJobId, type Envelope } from '../../shared/envelope.ts';
import { JobStateConflictError, errorMessage, isErrorNamed } from '../../shared/errors.ts';
import { membershipOf, type EventPublisher, type JobEvent } from '../../shared/events/job-events.ts';
import { isTerminal } from '../../shared/lifecycle.ts';
import { boundedResult } from '../../shared/status-store/job-record.ts';
import type { StatusStore } from '../../shared/status-store/status-store.ts';
import type { WorkflowStore } from '../../shared/workflows/workflow-store.ts';
import type { MemberOutcome } from '../../shared/workflows/workflow-types.ts';
import type { Advance } from './workflow-advance.ts';
import type { RecordOutcome } from './process-record.ts';
import type { VisibilityChanges } from './visibility-changes.ts';

type RecordProcessor = (record: SQSRecord, deadlineMs: number, visibility: VisibilityChanges) => Promise<RecordOutcome>;

export interface Transition {
  readonly status: 'completed' | 'failed' | 'retrying' | 'cancelled';
  readonly gen: number;
  readonly attempt: number;
  readonly result?: unknown;
  readonly reason?: string;
  readonly nextAttemptAt?: number;
}

export interface ObservedStore {
  readonly store: StatusStore;
  /** The transitions made for `jobId` since the last call, oldest first. */
  take(jobId: string): Transition[];
}

/** The store with its settling writes noted per job id. */
export function observeStore(inner: StatusStore): ObservedStore {
  const noted = new Map<string, Transition[]>();
  const note = (id: string, transition: Transition) => noted.set(id, [...(noted.get(id) ?? []), transition]);
  const store: StatusStore = {
    ...inner,
    async complete(token, result) {
      await inner.complete(token, result);
      note(token.id, { status: 'completed', gen: token.gen, attempt: token.attempt, result: boundedResult(result) });
    },
    async fail(target, update) {
      await inner.fail(target, update);
      const token = 'token' in target ? target.token : { id: target.id, gen: target.gen, attempt: 0 };
      note(token.id, { status: 'failed', gen: token.gen, attempt: token.attempt, reason: update.reason });
    },
    async scheduleRetry(token, update) {
      await inner.scheduleRetry(token, update);
      const reason = update.errors[update.errors.length - 1]?.message;
      note(token.id, { status: 'retrying', gen: token.gen, attempt: token.attempt, nextAttemptAt: update.nextAttemptAt, ...(reason ? { reason } : {}) });
    },
    async settleCancelled(token, request) {
      await inner.settleCancelled(token, request);
      note(token.id, { status: 'cancelled', gen: token.gen, attempt: token.attempt, reason: `cancelled by ${request.by}` });
    },
    async skip(target, reason) {
      await inner.skip(target, reason);
      note(target.id, { status: 'cancelled', gen: target.gen, attempt: 0, reason });
    },
  };
  return {
    store,
    take(jobId) {
      const transitions = noted.get(jobId) ?? [];
      noted.delete(jobId);
      return transitions;
    },
  };
}

export interface WorkflowLayerDeps {
  readonly observed: ObservedStore;
  readonly workflows: WorkflowStore;
  readonly advance: Advance;
  readonly events: EventPublisher;
  readonly className: string;
  readonly logger: JobLogger;
  readonly now: () => number;
  /** Seconds before a delivery whose workflow could not advance comes back. @defaultValue 2 */
  readonly retryAdvanceSeconds?: number;
}

/** How long a batch seen running is trusted: cancelling reaches members within this. */
const CANCEL_CACHE_MS = 1_000;

export function withWorkflows(process: RecordProcessor, deps: WorkflowLayerDeps): RecordProcessor {
  const { observed, logger } = deps;
  const store = observed.store;
  // Per warm consumer: a cancelled batch stays cancelled; a running one is re-read after a
  // second. The read in flight is shared, so a batch of records reads the item once.
  const cancelled = new Map<string, { cancelled: Promise<boolean>; readAt: number }>();

  function batchCancelled(batchId: string): Promise<boolean> {
    const cached = cancelled.get(batchId);
    if (cached && deps.now() - cached.readAt < CANCEL_CACHE_MS) return cached.cancelled;
    const read = deps.workflows.get(batchId, false).then(
      (item) => {
        const value = item?.cancelledAt !== undefined;
        // Once cancelled, always cancelled: no need to read again.
        if (value) cancelled.set(batchId, { cancelled: Promise.resolve(true), readAt: Number.POSITIVE_INFINITY });
        return value;
      },
      (error: unknown) => {
        cancelled.delete(batchId);
        throw error;
      },
    );
    if (cancelled.size > 1_000) cancelled.clear();
    cancelled.set(batchId, { cancelled: read, readAt: deps.now() });
    return read;
  }

  /** Skips a member not started yet; false when it runs (or ran) already. */
  async function skipCancelled(envelope: Envelope): Promise<boolean> {
    // A member not started yet has no record: the skip creates it, as `cancelled`.
    const record = await store.get(envelope.id);
    try {
      await store.skip(
        { id: envelope.id, gen: envelope.gen, name: envelope.job, class: record?.class ?? deps.className, maxAttempts: record?.maxAttempts ?? envelope.maxAttempts ?? 1, enqueuedAt: envelope.enqueuedAt },
        `batch ${envelope.wf?.id} cancelled`,
      );
      return true;
    } catch (error) {
      if (isErrorNamed(error, JobStateConflictError)) return false;
      throw error;
    }
  }

  return async (record, deadlineMs, visibility) => {
    let envelope: Envelope | undefined;
    try {
      envelope = decodeEnvelope(record.body);
    } catch {
      const outcome = await process(record, deadlineMs, visibility);
      const salvaged = salvageJobId(record.body);
      if (salvaged) observed.take(salvaged);
      return outcome;
    }
    const wf = envelope.wf;
    let outcome: RecordOutcome;
    try {
      if (wf?.kind === 'batch' && (await batchCancelled(wf.id)) && (await skipCancelled(envelope))) outcome = 'delete';
      else outcome = await process(record, deadlineMs, visibility);
    } catch (error) {
      // The delivery repeats; its transitions, if any, are seen again from the record then.
      observed.take(envelope.id);
      throw error;
    }

    const transitions = observed.take(envelope.id);
    if (transitions.length > 0) await publish(envelope, transitions);
    if (!wf) return outcome;
    let final = transitions.findLast((t) => t.status !== 'retrying');
    if (!final && outcome === 'delete') {
      // A duplicate of a finished member: repeat the advance its first delivery may not have finished.
      const stored = await store.get(envelope.id);
      if (stored && isTerminal(stored.status) && stored.gen === envelope.gen) {
        final = { status: stored.status as MemberOutcome, gen: stored.gen, attempt: stored.attempts, result: stored.result, ...(stored.lastError ? { reason: stored.lastError } : {}) };
      }
    }
    if (!final || final.status === 'retrying') return outcome;
    try {
      await deps.advance(wf, final.status, final.result, final.reason);
      return outcome;
    } catch (error) {
      logger.error('workflow not advanced; the delivery will repeat', { jobId: envelope.id, workflowId: wf.id, error: errorMessage(error) });
      visibility.set(record, deps.retryAdvanceSeconds ?? 2);
      return 'keep';
    }
  };

  async function publish(envelope: Envelope, transitions: readonly Transition[]): Promise<void> {
    const at = new Date(deps.now()).toISOString();
    const events: JobEvent[] = transitions.map((t) => ({
      version: 1,
      type: `job.${t.status}`,
      at,
      jobId: envelope.id,
      name: envelope.job,
      class: deps.className,
      gen: t.gen,
      attempt: t.attempt,
      ...(t.reason !== undefined ? { reason: t.reason } : {}),
      ...(t.nextAttemptAt !== undefined ? { nextAttemptAt: t.nextAttemptAt } : {}),
      ...membershipOf(envelope.wf),
    }));
    await deps.events.publish(events).catch((error: unknown) => {
      // Never fails or repeats the job: the transition is on record.
      logger.warn('job events not published', { jobId: envelope.id, count: events.length, error: errorMessage(error) });
    });
  }
}
