/**
 * Starts batches and chains: creates their items, then enqueues the jobs that run first. Every
 * step is idempotent (conditional item, deterministic job ids, ensureJobs), so the consumer
 * repeats a start freely when it recovers a workflow a crash left half advanced.
 *
 * @example
 * const jobs = await planBatch(wfStore, 'b-1', spec); // items created
 * await ensureJobs(ctx, jobs);                          // members recorded and sent
 */
import type { WorkflowJob } from './workflow-enqueue.ts';
import type { WorkflowStore } from './workflow-store.ts';
import { memberId, type BatchSpec, type ChainSpec, type WorkflowRef } from './workflow-types.ts';

const NESTED_START_CONCURRENCY = 8;

/** Creates the batch item (and items of member chains); returns the member jobs to enqueue. */
export async function planBatch(wf: WorkflowStore, batchId: string, spec: BatchSpec, parent?: WorkflowRef): Promise<WorkflowJob[]> {
  const callbacks = { ...(spec.then ? { then: spec.then } : {}), ...(spec.catch ? { catch: spec.catch } : {}), ...(spec.finally ? { finally: spec.finally } : {}) };
  await wf.create({
    wfId: batchId,
    kind: 'batch',
    total: spec.members.length,
    completed: 0,
    failed: 0,
    cancelled: 0,
    allowFailures: spec.allowFailures === true,
    ...(spec.name !== undefined ? { name: spec.name } : {}),
    ...(parent ? { parent } : {}),
  }, Object.keys(callbacks).length > 0 ? { callbacksJson: JSON.stringify(callbacks) } : {});
  const jobs: WorkflowJob[] = [];
  const chains: { index: number; chain: ChainSpec }[] = [];
  spec.members.forEach((member, index) => {
    if ('chain' in member) chains.push({ index, chain: member.chain });
    else jobs.push({ id: memberId(batchId, index), step: member, wf: { kind: 'batch', id: batchId, at: index } });
  });
  for (let start = 0; start < chains.length; start += NESTED_START_CONCURRENCY) {
    const planned = await Promise.all(
      chains.slice(start, start + NESTED_START_CONCURRENCY).map(({ index, chain }) =>
        planChain(wf, memberId(batchId, index), chain, { kind: 'batch', id: batchId, at: index }),
      ),
    );
    jobs.push(...planned.flat());
  }
  return jobs;
}

/** Creates the chain item; returns the first step's jobs to enqueue. */
export async function planChain(wf: WorkflowStore, chainId: string, spec: ChainSpec, parent?: WorkflowRef): Promise<WorkflowJob[]> {
  const callbacks = { ...(spec.then ? { then: spec.then } : {}), ...(spec.catch ? { catch: spec.catch } : {}) };
  await wf.create({
    wfId: chainId,
    kind: 'chain',
    position: 0,
    steps: spec.steps.length,
    ...(spec.name !== undefined ? { name: spec.name } : {}),
    ...(parent ? { parent } : {}),
  }, { stepsJson: JSON.stringify(spec.steps), ...(Object.keys(callbacks).length > 0 ? { callbacksJson: JSON.stringify(callbacks) } : {}) });
  return planChainStep(wf, chainId, spec.steps, 0);
}

/** The jobs that start step `position` of a chain (a batch step creates its batch first). */
export async function planChainStep(
  wf: WorkflowStore,
  chainId: string,
  steps: ChainSpec['steps'],
  position: number,
  previousResult?: unknown,
): Promise<WorkflowJob[]> {
  const step = steps[position]!;
  const id = memberId(chainId, position);
  const ref: WorkflowRef = { kind: 'chain', id: chainId, at: position };
  if ('batch' in step) return planBatch(wf, id, step.batch, ref);
  const payload =
    step.resultAs !== undefined ? { ...(step.payload as Record<string, unknown> | undefined), [step.resultAs]: previousResult ?? null } : undefined;
  return [{ id, step, wf: ref, ...(payload !== undefined ? { payload } : {}) }];
}
