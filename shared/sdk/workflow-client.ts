/**
 * Chains and batches on the job client: `jobs.chain`, `jobs.batch`, `jobs.waitForBatch`,
 * `jobs.waitForChain`, `jobs.workflow` and `jobs.cancelBatch`. The consumer advances them
 * (lambdas/consumer/workflow-advance.ts); this side validates, creates the workflow item and
 * enqueues what runs first.
 *
 * @example
 * const { id } = await jobs.batch([{ job: 'image.resize', payload: { key: 'a.png' } }], {
 *   name: 'thumbnails', then: { job: 'album.publish', payload: { album: 'a' } },
 * });
 * const batch = await jobs.waitForBatch(id, { timeoutMs: 60_000 });
 * batch.counts; // { total: 1, completed: 1, failed: 0, cancelled: 0, pending: 0 }
 */
import { randomUUID } from 'node:crypto';
import { InvalidOptionError, WaitTimeoutError } from '../errors.ts';
import type { JobRegistry } from '../job-registry.ts';
import { ensureJobs, type WorkflowEnqueueContext } from '../workflows/workflow-enqueue.ts';
import { planBatch, planChain } from '../workflows/start-workflow.ts';
import { createWorkflowStore, toWorkflowRecord } from '../workflows/workflow-store.ts';
import { validateBatch, validateChain } from '../workflows/validate-workflow.ts';
import type {
  BatchOptions,
  BatchSpec,
  ChainOptions,
  ChainSpec,
  TypedBatchMember,
  TypedChainStep,
  WorkflowRecord,
} from '../workflows/workflow-types.ts';
import type { WaitForOptions } from './wait-for-job.ts';

export interface StartedWorkflow {
  readonly id: string;
  readonly kind: 'batch' | 'chain';
  /** Top-level members (batch) or steps (chain). */
  readonly size: number;
}

export interface WorkflowClient<R extends JobRegistry> {
  /** Runs the steps one after another; a batch may be a step. Resolves once the first step is enqueued. */
  chain(steps: readonly TypedChainStep<R>[], options?: ChainOptions<R>): Promise<StartedWorkflow>;
  /** Runs the members side by side, counted in one item; a chain may be a member. Resolves once all are enqueued. */
  batch(members: readonly TypedBatchMember<R>[], options?: BatchOptions<R>): Promise<StartedWorkflow>;
  /** The batch or chain as stored now; undefined when there is none. One strongly consistent read. */
  workflow(id: string): Promise<WorkflowRecord | undefined>;
  /** Resolves once every member finished (completed, failed or cancelled). */
  waitForBatch(id: string, options?: WaitForOptions): Promise<WorkflowRecord>;
  /** Resolves once the chain completed, failed or was cancelled. */
  waitForChain(id: string, options?: WaitForOptions): Promise<WorkflowRecord>;
  /** Members not started yet are skipped (`cancelled`) when delivered; running ones finish. */
  cancelBatch(id: string): Promise<{ id: string; cancelled: boolean }>;
}

export function createWorkflowClient<R extends JobRegistry>(ctx: WorkflowEnqueueContext): WorkflowClient<R> {
  const workflows = createWorkflowStore({ documentClient: ctx.clients.dynamodb, tableName: ctx.config.tableName, now: ctx.now });

  async function waitUntil(id: string, done: (record: WorkflowRecord) => boolean, options: WaitForOptions): Promise<WorkflowRecord> {
    const deadline = Date.now() + (options.timeoutMs ?? 60_000);
    let interval = options.intervalMs ?? 100;
    const maxInterval = options.maxIntervalMs ?? 2_000;
    for (;;) {
      const item = await workflows.get(id, false);
      const record = item ? toWorkflowRecord(item) : undefined;
      if (record && done(record)) return record;
      const left = deadline - Date.now();
      if (left <= 0) throw new WaitTimeoutError(id, record?.status);
      await new Promise((resolve) => setTimeout(resolve, Math.min(interval, left)));
      interval = Math.min(interval * 2, maxInterval);
    }
  }

  return {
    async chain(steps, options = {}) {
      const spec: ChainSpec = { steps: toSteps(steps), ...(options as Omit<ChainSpec, 'steps'>) };
      validateChain(ctx.registry, spec);
      const id = `c-${randomUUID()}`;
      await ensureJobs(ctx, await planChain(workflows, id, spec));
      return { id, kind: 'chain', size: spec.steps.length };
    },

    async batch(members, options = {}) {
      const spec: BatchSpec = { members: toMembers(members), ...(options as Omit<BatchSpec, 'members'>) };
      validateBatch(ctx.registry, spec);
      const id = `b-${randomUUID()}`;
      await ensureJobs(ctx, await planBatch(workflows, id, spec));
      return { id, kind: 'batch', size: spec.members.length };
    },

    async workflow(id) {
      const item = await workflows.get(id);
      return item ? toWorkflowRecord(item) : undefined;
    },

    waitForBatch: (id, options = {}) => waitUntil(id, (r) => r.kind === 'batch' && r.status !== 'running', options),
    waitForChain: (id, options = {}) => waitUntil(id, (r) => r.kind === 'chain' && r.status !== 'running', options),

    async cancelBatch(id) {
      const item = await workflows.get(id);
      if (!item || item.kind !== 'batch') throw new InvalidOptionError(`no batch with id "${id}"`);
      return { id, cancelled: await workflows.cancelBatch(id) };
    },
  };
}

/** The typed entries as stored specs (the shapes match; options move into the spec). */
function toSteps<R>(steps: readonly TypedChainStep<R>[]): ChainSpec['steps'] {
  if (!Array.isArray(steps)) throw new InvalidOptionError('chain: steps must be an array');
  return steps.map((step) =>
    'batch' in step ? { batch: { members: toMembers(step.batch), ...((step.options ?? {}) as object) } } : (step as ChainSpec['steps'][number]),
  );
}

function toMembers<R>(members: readonly TypedBatchMember<R>[]): BatchSpec['members'] {
  if (!Array.isArray(members)) throw new InvalidOptionError('batch: jobs must be an array');
  return members.map((member) =>
    'chain' in member ? { chain: { steps: toSteps(member.chain), ...((member.options ?? {}) as object) } } : (member as BatchSpec['members'][number]),
  );
}
