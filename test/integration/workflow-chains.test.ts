/**
 * Chains and nesting on the local runtime (emulators, real SDK): order, result passing, a
 * failure that stops the chain and calls catch, an operator retry of the failed step that
 * continues it, batches inside chains and chains inside batches, events to a local subscriber,
 * and bystander jobs that are left alone.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmin } from '../../shared/admin/admin.ts';
import type { JobEvent } from '../../shared/events/job-events.ts';
import { createJobRegistry } from '../../shared/job-registry.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { startTestRuntime, waitFor } from './harness.ts';
import { flakyJob, okJob, runsOf } from './test-jobs.ts';
import { callbackJob, failing, flakyStepJob, noopJob, runsNamed, runsOfJob, stepJob, wfRuns } from './workflow-jobs.ts';

const registry = createJobRegistry([stepJob, flakyStepJob, noopJob, callbackJob, okJob, flakyJob]);
let runtime: LocalRuntime<typeof registry>;
const events: JobEvent[] = [];

beforeAll(async () => {
  runtime = await startTestRuntime(registry);
  runtime.events.on('*', (event) => {
    events.push(event);
  });
});
afterAll(async () => {
  await runtime?.stop();
});

const labelsOf = (jobId: string) => runsOfJob(jobId).map((run) => (run.payload as { label: string }).label);

describe('chains', () => {
  it('runs the steps in order, passes each result on, then calls then once; bystanders untouched', async () => {
    const bystanders = await Promise.all([1, 2, 3].map((value) => runtime.jobs.enqueue('test.ok', { value })));
    const chain = await runtime.jobs.chain(
      [
        { job: 'wf.step', payload: { label: 'a' } },
        { job: 'wf.step', payload: { label: 'b' }, resultAs: 'previous' },
        { job: 'wf.step', payload: { label: 'c' }, resultAs: 'previous' },
      ],
      { name: 'abc', then: { job: 'wf.callback', payload: { tag: 'chain-then' } } },
    );

    const done = await runtime.jobs.waitForChain(chain.id, { timeoutMs: 30_000 });

    expect(done).toMatchObject({ status: 'completed', steps: 3, position: 2, name: 'abc' });
    const steps = [0, 1, 2].map((at) => runsOfJob(`${chain.id}.${at}`));
    expect(steps.map((runs) => runs.length)).toEqual([1, 1, 1]);
    expect(steps[0]![0]!.at).toBeLessThanOrEqual(steps[1]![0]!.at);
    expect(steps[1]![0]!.at).toBeLessThanOrEqual(steps[2]![0]!.at);
    expect(steps[2]![0]!.payload).toEqual({ label: 'c', previous: { labels: ['a', 'b'] } });
    await waitFor(() => runsOfJob(`${chain.id}.then`).length === 1, 'then callback');
    expect((await runtime.store.get(`${chain.id}.2`))?.result).toEqual({ labels: ['a', 'b', 'c'] });
    for (const job of bystanders) {
      const record = await runtime.jobs.waitFor(job.id, { timeoutMs: 10_000 });
      expect(record).toMatchObject({ status: 'completed', attempts: 1 });
      expect(record.overrides).toBeUndefined();
      expect(runsOf(job.id)).toHaveLength(1);
    }
  });

  it('stops at a failed step, marks the chain failed and calls catch once; a retried step continues it', async () => {
    failing.add('x');
    const chain = await runtime.jobs.chain(
      [
        { job: 'wf.step', payload: { label: 'first' } },
        { job: 'wf.flaky-step', payload: { label: 'x' } },
        { job: 'wf.step', payload: { label: 'last' } },
      ],
      { catch: { job: 'wf.callback', payload: { tag: 'chain-catch' } }, then: { job: 'wf.callback', payload: { tag: 'chain-then' } } },
    );

    const failed = await runtime.jobs.waitForChain(chain.id, { timeoutMs: 30_000 });
    expect(failed).toMatchObject({ status: 'failed', position: 1 });
    expect(failed.reason).toContain('step 1');
    await waitFor(() => runsOfJob(`${chain.id}.catch`).length === 1, 'catch callback');
    expect(runsOfJob(`${chain.id}.2`)).toHaveLength(0);
    // The failed record keeps its membership, so an operator retry knows the chain.
    expect((await runtime.store.get(`${chain.id}.1`))?.overrides?.wf).toEqual({ kind: 'chain', id: chain.id, at: 1 });

    failing.delete('x');
    const [retried] = await createAdmin({ registry, config: runtime.config, clients: runtime.clients }).retry([`${chain.id}.1`]);
    expect(retried?.ok).toBe(true);

    await waitFor(async () => (await runtime.jobs.workflow(chain.id))?.status === 'completed', 'chain completed after the retry');
    expect(labelsOf(`${chain.id}.2`)).toEqual(['last']);
    await waitFor(() => runsOfJob(`${chain.id}.then`).length === 1, 'then callback');
    expect(runsOfJob(`${chain.id}.catch`)).toHaveLength(1);
    expect(runsOfJob(`${chain.id}.0`)).toHaveLength(1);
  });

  it('rejects a chain naming a job not in the registry, before writing anything', async () => {
    await expect(runtime.jobs.chain([{ job: 'wf.step', payload: { label: 'a' } }, { job: 'nope' as 'wf.step', payload: { label: 'b' } }])).rejects.toThrow(
      'chain step 1: unknown job "nope" (not in the job registry)',
    );
    await expect(runtime.jobs.chain([])).rejects.toThrow('chain: a chain needs at least one step');
  });
});

describe('nesting', () => {
  it('a batch as a chain step: the chain continues when the batch finishes', async () => {
    const chain = await runtime.jobs.chain([
      { job: 'wf.step', payload: { label: 'before' } },
      {
        batch: [
          { job: 'wf.step', payload: { label: 'x' } },
          { job: 'wf.step', payload: { label: 'y' } },
        ],
        options: { then: { job: 'wf.callback', payload: { tag: 'inner-then' } } },
      },
      { job: 'wf.step', payload: { label: 'after' } },
    ]);

    expect(await runtime.jobs.waitForChain(chain.id, { timeoutMs: 30_000 })).toMatchObject({ status: 'completed' });
    const batchId = `${chain.id}.1`;
    expect(await runtime.jobs.workflow(batchId)).toMatchObject({ kind: 'batch', status: 'completed', parent: { kind: 'chain', id: chain.id, at: 1 } });
    const after = runsOfJob(`${chain.id}.2`)[0]!;
    for (const member of [`${batchId}.0`, `${batchId}.1`]) expect(runsOfJob(member)[0]!.at).toBeLessThanOrEqual(after.at);
    await waitFor(() => runsOfJob(`${batchId}.then`).length === 1, 'inner then');
  });

  it('a chain as a batch member: it counts once, when the chain finishes', async () => {
    const batch = await runtime.jobs.batch(
      [
        { chain: [{ job: 'wf.step', payload: { label: 'p' } }, { job: 'wf.step', payload: { label: 'q' }, resultAs: 'previous' }] },
        { job: 'wf.step', payload: { label: 'r' } },
      ],
      { then: { job: 'wf.callback', payload: { tag: 'outer-then' } }, finally: { job: 'wf.callback', payload: { tag: 'outer-finally' } } },
    );

    const done = await runtime.jobs.waitForBatch(batch.id, { timeoutMs: 30_000 });
    expect(done).toMatchObject({ status: 'completed', counts: { total: 2, completed: 2, failed: 0, cancelled: 0, pending: 0 } });
    expect(runsOfJob(`${batch.id}.0.1`)[0]!.payload).toEqual({ label: 'q', previous: { labels: ['p'] } });
    await waitFor(() => runsOfJob(`${batch.id}.then`).length === 1 && runsOfJob(`${batch.id}.finally`).length === 1, 'outer callbacks');
  });

  it('a failed chain member counts as a failed batch member', async () => {
    failing.add('boom');
    const batch = await runtime.jobs.batch(
      [{ chain: [{ job: 'wf.flaky-step', payload: { label: 'boom' } }, { job: 'wf.step', payload: { label: 'never' } }] }, { job: 'wf.step', payload: { label: 's' } }],
      { allowFailures: true, catch: { job: 'wf.callback', payload: { tag: 'c' } } },
    );
    expect(await runtime.jobs.waitForBatch(batch.id, { timeoutMs: 30_000 })).toMatchObject({ status: 'failed', counts: { completed: 1, failed: 1 } });
    expect(await runtime.jobs.workflow(`${batch.id}.0`)).toMatchObject({ kind: 'chain', status: 'failed' });
    expect(runsOfJob(`${batch.id}.0.1`)).toHaveLength(0);
  });
});

describe('events', () => {
  it('publishes job and workflow transitions to a local subscriber, with the versioned shape', async () => {
    const chain = await runtime.jobs.chain([{ job: 'wf.step', payload: { label: 'e1' } }, { job: 'wf.step', payload: { label: 'e2' } }], { name: 'evented' });
    await runtime.jobs.waitForChain(chain.id, { timeoutMs: 30_000 });
    await waitFor(() => events.some((e) => e.type === 'chain.finished' && e.workflowId === chain.id), 'chain.finished');

    const completed = events.filter((e) => e.type === 'job.completed' && e.chainId === chain.id);
    expect(completed.map((e) => e.type === 'job.completed' && e.jobId).sort()).toEqual([`${chain.id}.0`, `${chain.id}.1`]);
    expect(completed[0]).toMatchObject({ version: 1, name: 'wf.step', class: 'default', gen: 1, attempt: 1 });
    expect(events.filter((e) => e.type === 'chain.finished' && e.workflowId === chain.id)).toEqual([
      expect.objectContaining({ version: 1, status: 'completed', name: 'evented' }),
    ]);
    expect(runsNamed('wf.step').length).toBeGreaterThan(0);
    expect(wfRuns.length).toBeGreaterThan(0);
  });

  it('publishes job.retrying with the next attempt, then job.completed, for a plain job too', async () => {
    const job = await runtime.jobs.enqueue('test.flaky', { failures: 1 });
    await waitFor(() => events.some((e) => e.type === 'job.completed' && e.jobId === job.id), 'job.completed');
    const retrying = events.find((e) => e.type === 'job.retrying' && e.jobId === job.id);
    expect(retrying).toMatchObject({ version: 1, attempt: 1, reason: 'Error: planned failure 1', name: 'test.flaky' });
    expect(retrying?.type === 'job.retrying' && retrying.nextAttemptAt).toBeGreaterThan(0);
    expect(retrying?.batchId ?? retrying?.chainId).toBeUndefined();
  });
});
