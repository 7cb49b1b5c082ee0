/**
 * Moves a workflow on once one of its members reached a final status: counts a batch member
 * (exactly once, see workflow-store.ts), enqueues callbacks and the next chain step under
 * deterministic ids, finishes batches and chains, and carries the outcome up to a parent.
 *
 * Every step is idempotent, so the consumer calls `advance` again for a duplicate delivery of
 * a finished member: whatever a crash left undone between the job's settle and the deletion of
 * its message is done then, and nothing is done twice.
 *
 * @example
 * await advance({ kind: 'chain', id: 'c-1', at: 0 }, 'completed', { rows: 10 });
 */
import type { JobLogger } from '../../shared/define-job.ts';
import { ConfigurationError, errorMessage, isErrorNamed, InvalidOptionError, PayloadValidationError } from '../../shared/errors.ts';
import { membershipOf, type EventPublisher, type JobEvent } from '../../shared/events/job-events.ts';
import { ensureJobs, type WorkflowEnqueueContext, type WorkflowJob } from '../../shared/workflows/workflow-enqueue.ts';
import { planChainStep } from '../../shared/workflows/start-workflow.ts';
import { countsOf, type ParsedDefinition, type WorkflowItem, type WorkflowStore } from '../../shared/workflows/workflow-store.ts';
import { callbackId, type CallbackSpec, type MemberOutcome, type WorkflowRef } from '../../shared/workflows/workflow-types.ts';

export interface AdvanceDeps {
  readonly enqueue: WorkflowEnqueueContext;
  readonly workflows: WorkflowStore;
  readonly events: EventPublisher;
  readonly logger: JobLogger;
}

export type Advance = (ref: WorkflowRef, outcome: MemberOutcome, result?: unknown, reason?: string) => Promise<void>;

export function createAdvance(deps: AdvanceDeps): Advance {
  const { workflows, logger } = deps;
  const isoNow = () => new Date(deps.enqueue.now()).toISOString();

  const callback = (workflowId: string, which: 'then' | 'catch' | 'finally', spec: CallbackSpec | undefined): WorkflowJob[] =>
    spec ? [{ id: callbackId(workflowId, which), step: spec }] : [];

  async function publish(event: JobEvent): Promise<void> {
    await deps.events.publish([event]).catch((e: unknown) => logger.warn('workflow event not published', { type: event.type, error: errorMessage(e) }));
  }

  async function advanceBatch(ref: WorkflowRef, outcome: MemberOutcome): Promise<void> {
    const { item, counted } = await workflows.countMember(ref.id, ref.at, outcome);
    if (!item) return logger.warn('batch not found: member not counted', { batchId: ref.id, position: ref.at });
    const counts = countsOf(item);
    const finished = counts.pending === 0;
    // Callbacks are read only when one may be due: most members need no read at all.
    const callbacks = counts.failed > 0 || finished ? (await workflows.definition(ref.id))?.callbacks ?? {} : {};
    const jobs: WorkflowJob[] = [];
    // Sent by the member that counted the first failure, and again by any repeated advance (a
    // recovery after a crash); the deterministic ids make each callback one job.
    if (counts.failed > 0) {
      if (!counted || (outcome === 'failed' && counts.failed === 1)) jobs.push(...callback(ref.id, 'catch', callbacks.catch));
      if (!item.allowFailures && item.cancelledAt === undefined && counts.pending > 0) await workflows.cancelBatch(ref.id);
    }
    if (finished) {
      if (counts.completed === counts.total) jobs.push(...callback(ref.id, 'then', callbacks.then));
      jobs.push(...callback(ref.id, 'finally', callbacks.finally));
    }
    await ensureJobs(deps.enqueue, jobs);
    if (!finished) return;
    const status = counts.completed === counts.total ? 'completed' : item.cancelledAt !== undefined && counts.cancelled > 0 ? 'cancelled' : 'failed';
    if (await workflows.markFinished(ref.id)) {
      await publish({ version: 1, type: 'batch.finished', at: isoNow(), workflowId: ref.id, status, counts, ...nameOf(item), ...membershipOf(item.parent) });
    }
    if (item.parent) {
      const succeeded = status === 'completed' || (item.allowFailures === true && counts.cancelled === 0);
      await advanceRef(item.parent, succeeded ? 'completed' : 'failed', undefined, succeeded ? undefined : `batch ${ref.id} ${status}`);
    }
  }

  async function advanceChain(ref: WorkflowRef, outcome: MemberOutcome, result: unknown, reason: string | undefined): Promise<void> {
    const def = await workflows.definition(ref.id);
    if (!def) return logger.warn('chain not found: not advanced', { chainId: ref.id, position: ref.at });
    if (outcome !== 'completed') return endChain(ref.id, def, outcome, `step ${ref.at} ${outcome}${reason ? `: ${reason}` : ''}`);
    if (ref.at >= def.steps.length - 1) return endChain(ref.id, def, 'completed');
    if (def.parent?.kind === 'batch') {
      // A member chain of a cancelled batch starts no further step.
      const batch = await workflows.get(def.parent.id, false);
      if (batch?.cancelledAt !== undefined) return endChain(ref.id, def, 'cancelled', `batch ${def.parent.id} cancelled`);
    }
    let jobs: WorkflowJob[];
    try {
      jobs = await planChainStep(workflows, ref.id, def.steps, ref.at + 1, result);
      await ensureJobs(deps.enqueue, jobs);
    } catch (error) {
      // The result did not fit the next step's payload, or its class has no queue this consumer
      // may send to (deployed without `workflows: true`): the chain cannot go on.
      if (isErrorNamed(error, PayloadValidationError) || isErrorNamed(error, InvalidOptionError) || isErrorNamed(error, ConfigurationError)) {
        return endChain(ref.id, def, 'failed', `step ${ref.at + 1} could not start: ${errorMessage(error)}`);
      }
      throw error;
    }
    await workflows.chainAt(ref.id, ref.at + 1);
  }

  async function endChain(chainId: string, def: ParsedDefinition, status: 'completed' | 'failed' | 'cancelled', reason?: string): Promise<void> {
    const which = status === 'completed' ? 'then' : 'catch';
    await ensureJobs(deps.enqueue, callback(chainId, which, def.callbacks[which]));
    const ended = await workflows.finishChain(chainId, status, reason);
    if (ended) {
      await publish({ version: 1, type: 'chain.finished', at: isoNow(), workflowId: chainId, status, ...(reason ? { reason } : {}), ...nameOf(ended), ...membershipOf(def.parent) });
    }
    if (def.parent) await advanceRef(def.parent, status, undefined, reason);
  }

  async function advanceRef(ref: WorkflowRef, outcome: MemberOutcome, result?: unknown, reason?: string): Promise<void> {
    if (ref.kind === 'batch') await advanceBatch(ref, outcome);
    else await advanceChain(ref, outcome, result, reason);
  }

  return advanceRef;
}

const nameOf = (item: WorkflowItem) => (item.name !== undefined ? { name: item.name } : {});
