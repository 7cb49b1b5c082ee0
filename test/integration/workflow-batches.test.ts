/**
 * Batches on the local runtime (emulators, real SDK): callbacks once each, allowFailures,
 * progress, an operator retry of a failed member counted into its batch, input validation, and
 * a batch of 1,000 no-op jobs finished by several concurrent pollers with its callbacks run
 * exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmin } from '../../shared/admin/admin.ts';
import type { JobEvent } from '../../shared/events/job-events.ts';
import { createJobRegistry } from '../../shared/job-registry.ts';
import { MAX_BATCH_MEMBERS } from '../../shared/workflows/workflow-types.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { startTestRuntime, testClasses, waitFor } from './harness.ts';
import { okJob, runsOf } from './test-jobs.ts';
import { callbackJob, failing, flakyStepJob, leanCallbackJob, noopJob, noopRuns, runsOfJob, stepJob } from './workflow-jobs.ts';

const registry = createJobRegistry([stepJob, flakyStepJob, noopJob, callbackJob, leanCallbackJob, okJob]);
let runtime: LocalRuntime<typeof registry>;
const events: JobEvent[] = [];

beforeAll(async () => {
  // Four receive loops per class: several "consumers" finishing members at the same moment.
  const wide = { ...testClasses.default, maxConcurrency: 4 };
  runtime = await startTestRuntime(registry, { classes: { default: wide, 'high-priority': { ...wide, batchSize: 5 } } });
  runtime.events.on('batch.finished', (event) => {
    events.push(event);
  });
});
afterAll(async () => {
  await runtime?.stop();
});

const callbacks = (tag: string) => ({
  then: { job: 'wf.callback' as const, payload: { tag: `${tag}-then` } },
  catch: { job: 'wf.callback' as const, payload: { tag: `${tag}-catch` } },
  finally: { job: 'wf.callback' as const, payload: { tag: `${tag}-finally` } },
});
const ranOnce = (id: string) => waitFor(() => runsOfJob(id).length === 1, `${id} to run`).then(() => expect(runsOfJob(id)).toHaveLength(1));

describe('batches', () => {
  it('runs every member, reports progress, and calls then and finally once each', async () => {
    const bystander = await runtime.jobs.enqueue('test.ok', { value: 7 });
    const batch = await runtime.jobs.batch(
      Array.from({ length: 20 }, (_, i) => ({ job: 'wf.step' as const, payload: { label: `m${i}` } })),
      { name: 'twenty', ...callbacks('twenty') },
    );
    expect(batch).toEqual({ id: batch.id, kind: 'batch', size: 20 });
    const early = await runtime.jobs.workflow(batch.id);
    expect(early?.counts?.total).toBe(20);

    const done = await runtime.jobs.waitForBatch(batch.id, { timeoutMs: 30_000 });

    expect(done).toMatchObject({ status: 'completed', name: 'twenty', counts: { total: 20, completed: 20, failed: 0, cancelled: 0, pending: 0 } });
    await ranOnce(`${batch.id}.then`);
    await ranOnce(`${batch.id}.finally`);
    expect(await runtime.store.get(`${batch.id}.catch`)).toBeUndefined();
    for (let i = 0; i < 20; i++) expect(runsOfJob(`${batch.id}.${i}`)).toHaveLength(1);
    await waitFor(() => events.some((e) => e.type === 'batch.finished' && e.workflowId === batch.id), 'batch.finished');
    expect(events.filter((e) => e.type === 'batch.finished' && e.workflowId === batch.id)).toHaveLength(1);
    expect(await runtime.jobs.waitFor(bystander.id)).toMatchObject({ status: 'completed', attempts: 1 });
    expect(runsOf(bystander.id)).toHaveLength(1);
    // Workflow items stay out of job lists and stats (no statusShard; a reserved class).
    const admin = createAdmin({ registry, config: runtime.config, clients: runtime.clients });
    const listed = [...(await admin.list({ limit: 200 })).jobs, ...(await admin.list({ status: 'completed', limit: 200 })).jobs];
    expect(listed.some((job) => job.id.startsWith('wf#'))).toBe(false);
    expect(listed.some((job) => job.id === `${batch.id}.0`)).toBe(true);
  });

  it('with allowFailures, a failed member calls catch once, then never, finally once; its retry counts into the batch', async () => {
    failing.add('bad');
    const batch = await runtime.jobs.batch(
      [
        { job: 'wf.flaky-step', payload: { label: 'bad' } },
        ...Array.from({ length: 5 }, (_, i) => ({ job: 'wf.flaky-step' as const, payload: { label: `good${i}` } })),
      ],
      { allowFailures: true, ...callbacks('lenient') },
    );

    const done = await runtime.jobs.waitForBatch(batch.id, { timeoutMs: 30_000 });

    expect(done).toMatchObject({ status: 'failed', counts: { total: 6, completed: 5, failed: 1, cancelled: 0, pending: 0 } });
    await ranOnce(`${batch.id}.catch`);
    await ranOnce(`${batch.id}.finally`);
    expect(await runtime.store.get(`${batch.id}.then`)).toBeUndefined();

    failing.delete('bad');
    const [retried] = await createAdmin({ registry, config: runtime.config, clients: runtime.clients }).retry([`${batch.id}.0`]);
    expect(retried?.ok).toBe(true);
    await waitFor(async () => (await runtime.jobs.workflow(batch.id))?.status === 'completed', 'batch completed after the retry');
    expect((await runtime.jobs.workflow(batch.id))?.counts).toEqual({ total: 6, completed: 6, failed: 0, cancelled: 0, pending: 0 });
    await ranOnce(`${batch.id}.then`);
    expect(runsOfJob(`${batch.id}.finally`)).toHaveLength(1);
    expect(runsOfJob(`${batch.id}.catch`)).toHaveLength(1);
  });

  it('runs a lean-tracked catch callback once, however many members finish after the failure', async () => {
    failing.add('bad-lean');
    const batch = await runtime.jobs.batch(
      [
        { job: 'wf.flaky-step', payload: { label: 'bad-lean' } },
        ...Array.from({ length: 8 }, (_, i) => ({ job: 'wf.flaky-step' as const, payload: { label: `after${i}` } })),
      ],
      { allowFailures: true, catch: { job: 'wf.lean-callback', payload: { tag: 'lean-catch' } }, finally: { job: 'wf.callback', payload: { tag: 'lean-finally' } } },
    );
    await runtime.jobs.waitForBatch(batch.id, { timeoutMs: 30_000 });
    await ranOnce(`${batch.id}.finally`);
    await ranOnce(`${batch.id}.catch`);
    failing.delete('bad-lean');
  });

  it('without allowFailures, the first failure cancels the members not started; callbacks still once', async () => {
    failing.add('first');
    const batch = await runtime.jobs.batch(
      [{ job: 'wf.flaky-step', payload: { label: 'first' } }, ...Array.from({ length: 30 }, (_, i) => ({ job: 'wf.step' as const, payload: { label: `s${i}` } }))],
      callbacks('strict'),
    );
    const done = await runtime.jobs.waitForBatch(batch.id, { timeoutMs: 30_000 });
    const counts = done.counts!;
    expect(counts.failed).toBe(1);
    expect(counts.completed + counts.failed + counts.cancelled).toBe(31);
    expect(done.cancelledAt).toBeDefined();
    await ranOnce(`${batch.id}.catch`);
    await ranOnce(`${batch.id}.finally`);
    expect(await runtime.store.get(`${batch.id}.then`)).toBeUndefined();
    failing.delete('first');
  });

  it('names what is wrong with a batch in one error', async () => {
    await expect(runtime.jobs.batch([])).rejects.toThrow('batch: a batch needs at least one job');
    await expect(runtime.jobs.batch([{ job: 'nope' as 'wf.step', payload: { label: 'x' } }])).rejects.toThrow('batch member 0: unknown job "nope"');
    await expect(
      runtime.jobs.batch([{ job: 'wf.step', payload: { label: 'x' } }], { then: { job: 'missing' as 'wf.callback', payload: { tag: 't' } } }),
    ).rejects.toThrow('batch then: unknown job "missing"');
    await expect(runtime.jobs.batch([{ job: 'wf.step', payload: { label: 1 as unknown as string } }])).rejects.toThrow('batch member 0: invalid payload for job "wf.step": label');
    const tooMany = Array.from({ length: MAX_BATCH_MEMBERS + 1 }, (_, i) => ({ job: 'wf.noop' as const, payload: { i } }));
    await expect(runtime.jobs.batch(tooMany)).rejects.toThrow(`a batch holds at most ${MAX_BATCH_MEMBERS}`);
  });

  it(`finishes a batch of ${MAX_BATCH_MEMBERS} no-op jobs on concurrent pollers and runs each callback exactly once`, async () => {
    const size = MAX_BATCH_MEMBERS;
    const batch = await runtime.jobs.batch(
      Array.from({ length: size }, (_, i) => ({ job: 'wf.noop' as const, payload: { i } })),
      { name: 'thousand', ...callbacks('thousand') },
    );

    const done = await runtime.jobs.waitForBatch(batch.id, { timeoutMs: 150_000, maxIntervalMs: 500 });

    expect(done.counts).toEqual({ total: size, completed: size, failed: 0, cancelled: 0, pending: 0 });
    await ranOnce(`${batch.id}.then`);
    await ranOnce(`${batch.id}.finally`);
    const members = [...noopRuns.entries()].filter(([id]) => id.startsWith(`${batch.id}.`));
    expect(members).toHaveLength(size);
    expect(members.every(([, count]) => count === 1)).toBe(true);
    expect(await runtime.store.get(`${batch.id}.catch`)).toBeUndefined();
    await waitFor(() => events.some((e) => e.type === 'batch.finished' && e.workflowId === batch.id), 'batch.finished');
    expect(events.filter((e) => e.type === 'batch.finished' && e.workflowId === batch.id)).toHaveLength(1);
  }, 200_000);
});
