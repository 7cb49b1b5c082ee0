/**
 * Cancelling a running job: the consumer sees the request within its check interval (1 s with
 * the test classes' 4 s timeout), aborts the signal and settles the job `cancelled`, not
 * retried; a handler that ignores the signal is settled the same way and left to end on its own.
 * A bystander running beside them completes untouched.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobRecord } from '../../shared/status-store/job-record.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { queueDepth, startTestRuntime, waitFor } from './harness.ts';
import { abortsSeen, flowGate, flowRegistry, flowRunsOf } from './flow-jobs.ts';

let runtime: LocalRuntime<typeof flowRegistry>;

beforeAll(async () => {
  runtime = await startTestRuntime(flowRegistry);
});
afterAll(async () => {
  for (const name of ['stubborn', 'bystander']) flowGate(name).open();
  await runtime?.stop();
});

const statusOf = async (id: string) => (await runtime.store.get(id))?.status;
async function settled(id: string, status: JobRecord['status']): Promise<JobRecord> {
  return waitFor(async () => {
    const job = await runtime.store.get(id);
    return job?.status === status ? job : undefined;
  }, `job ${id} to be ${status}`);
}

describe('cancel a running job', () => {
  it('stops it, records who and when, does not retry it, and leaves bystanders alone', async () => {
    const results = await runtime.jobs.enqueueMany([
      { job: 'flow.cooperative', payload: {} },
      { job: 'flow.gated', payload: { gate: 'stubborn' } },
      { job: 'flow.gated', payload: { gate: 'bystander' } },
    ]);
    const [cooperative, stubborn, bystander] = results.map((r) => (r.ok ? r.job.id : ''));
    await waitFor(
      async () => (await Promise.all([cooperative!, stubborn!, bystander!].map(statusOf))).every((s) => s === 'running'),
      'all three to run',
    );

    expect(await runtime.jobs.cancel(cooperative!, { by: 'tester' })).toEqual({ id: cooperative, status: 'cancel-requested' });
    expect(await runtime.jobs.cancel(stubborn!, { by: 'tester' })).toEqual({ id: stubborn, status: 'cancel-requested' });

    for (const id of [cooperative!, stubborn!]) {
      const job = await settled(id, 'cancelled');
      expect(job).toMatchObject({ attempts: 1, cancelRequestedBy: 'tester' });
      expect(job.lastError).toMatch(/^cancelled while running by tester at /);
      expect(job.leaseUntil).toBeUndefined();
    }
    expect(abortsSeen.get(cooperative!)).toMatch(/cancelled by tester/);
    expect(abortsSeen.has(stubborn!)).toBe(false);

    // The bystander ran beside them the whole time, and completes once let go.
    expect(await statusOf(bystander!)).toBe('running');
    flowGate('bystander').open();
    expect(await settled(bystander!, 'completed')).toMatchObject({ attempts: 1, result: { gate: 'bystander' } });

    // The stubborn handler ends on its own later; nothing runs again and no message is left.
    flowGate('stubborn').open();
    await waitFor(async () => (await queueDepth(runtime.clients.sqs, runtime.config.queues.default!.queueUrl)) === 0, 'the queue to drain');
    for (const id of [cooperative!, stubborn!, bystander!]) expect(flowRunsOf(id)).toHaveLength(1);
    expect(await statusOf(stubborn!)).toBe('cancelled');
  });

  it('refuses to cancel a finished job', async () => {
    const job = await runtime.jobs.enqueue('flow.plain', { n: 1 });
    await settled(job.id, 'completed');
    await expect(runtime.jobs.cancel(job.id)).rejects.toThrow(/is completed; only scheduled, queued or retrying jobs can be cancelled/);
  });
});
