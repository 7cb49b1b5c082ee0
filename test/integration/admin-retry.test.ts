/**
 * Operator retries under concurrency and duplicates: two retries of one failed job at once make
 * one new run, and the old copy from the DLQ never runs the job again. A retried job runs as it
 * was enqueued (its own attempts and backoff) and retries, completes or fails again as usual.
 */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmin } from '../../shared/admin/admin.ts';
import { encodeEnvelope } from '../../shared/envelope.ts';
import type { JobStatus } from '../../shared/lifecycle.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { startTestRuntime, waitFor } from './harness.ts';
import { runsOf, testRegistry } from './test-jobs.ts';

let runtime: LocalRuntime<typeof testRegistry>;
let admin: ReturnType<typeof createAdmin>;

beforeAll(async () => {
  runtime = await startTestRuntime(testRegistry);
  admin = createAdmin({ registry: testRegistry, config: runtime.config, clients: runtime.clients });
});
afterAll(async () => {
  await runtime?.stop();
});

const settled = (id: string, status: JobStatus, gen?: number) =>
  waitFor(async () => {
    const job = await runtime.store.get(id);
    return job?.status === status && (gen === undefined || job.gen === gen) ? job : undefined;
  }, `job ${id} to be ${status}`);

/** Sends the consumer's marked DLQ copy of generation 1 of a `test.non-retryable` job. */
async function sendMarkedCopy(queueUrl: string, id: string, enqueuedAt: string): Promise<void> {
  const body = encodeEnvelope({ v: 1, id, job: 'test.non-retryable', gen: 1, enqueuedAt, payload: {}, deadLettered: true });
  await runtime.clients.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: body }));
}

describe('retrying failed jobs', () => {
  it('makes one new run when two operators retry the same job at once', async () => {
    const job = await runtime.jobs.enqueue('test.non-retryable', {});
    await settled(job.id, 'failed');

    const [first, second] = await Promise.all([admin.retry([job.id]), admin.retry([job.id])]);

    const outcomes = [...first, ...second].map((r) => r.ok);
    expect(outcomes.sort()).toEqual([false, true]);
    const failedAgain = await settled(job.id, 'failed', 2);
    // The job fails by design; what matters is that generation 2 ran exactly once.
    expect(failedAgain.attempts).toBe(1);
    expect(runsOf(job.id)).toHaveLength(2); // the original run and one retry
  });

  it('never re-runs a retried job from its old DLQ copy', async () => {
    const job = await runtime.jobs.enqueue('test.non-retryable', {});
    const failed = await settled(job.id, 'failed');
    const [retried] = await admin.retry([job.id]);
    expect(retried?.ok).toBe(true);
    await settled(job.id, 'failed', 2);
    const runsBefore = runsOf(job.id).length;

    // What `redrive` would move back: the first generation's marked DLQ copy.
    await sendMarkedCopy(runtime.config.queues.default!.queueUrl, job.id, failed.enqueuedAt);
    // A fresh job behind it in the same queue: once it ran, the stale copy has been handled.
    const marker = await runtime.jobs.enqueue('test.ok', { value: 1 });
    await settled(marker.id, 'completed');
    await waitFor(async () => (await admin.stats()).classes.find((c) => c.class === 'default')?.inFlight === 0, 'an idle queue');

    expect(runsOf(job.id)).toHaveLength(runsBefore);
    expect(await runtime.store.get(job.id)).toMatchObject({ status: 'failed', gen: 2 });
  });

  it('re-runs a failed job once when its own DLQ copy is redriven, even from two copies', async () => {
    const job = await runtime.jobs.enqueue('test.non-retryable', {});
    const failed = await settled(job.id, 'failed');
    await waitFor(async () => (await admin.stats()).classes.find((c) => c.class === 'default')!.dlqDepth > 0, 'the DLQ copy');
    // A second copy of the same failure (a crash between the DLQ send and the record write, or
    // an SQS duplicate): it must not make a second run.
    await sendMarkedCopy(runtime.config.queues.default!.dlqUrl, job.id, failed.enqueuedAt);

    const results = await admin.redrive({ class: 'default' });

    expect(results[0]?.method).toBe('copy'); // the emulator has no message-move tasks
    await waitFor(() => runsOf(job.id).length === 2, 'the redriven run');
    // Re-armed as the next generation with fresh attempts; the other copy is stale from then on.
    const after = await settled(job.id, 'failed', 2);
    expect(after.attempts).toBe(1);
    const marker = await runtime.jobs.enqueue('test.ok', { value: 2 });
    await settled(marker.id, 'completed');
    await waitFor(async () => (await admin.stats()).classes.find((c) => c.class === 'default')?.inFlight === 0, 'an idle queue');
    expect(runsOf(job.id)).toHaveLength(2);
  });

  it('retries the new generation with backoff until it completes', async () => {
    const job = await runtime.jobs.enqueue('test.fails-until', { succeedOnRun: 5 });
    await settled(job.id, 'failed', 1);
    const [retried] = await admin.retry([job.id]);
    expect(retried?.ok).toBe(true);

    const done = await settled(job.id, 'completed', 2);

    expect(done.attempts).toBe(2);
    expect(runsOf(job.id).map((run) => run.attempt)).toEqual([1, 2, 3, 1, 2]);
  });

  it('keeps the attempts and backoff given at enqueue', async () => {
    // The definition says 3 attempts with a 1 s backoff; this enqueue says 2 attempts, 2 s.
    const job = await runtime.jobs.enqueue('test.fails-until', { succeedOnRun: 100 }, { attempts: 2, backoff: [2] });
    const failed = await settled(job.id, 'failed', 1);
    expect(failed.maxAttempts).toBe(2);

    const [retried] = await admin.retry([job.id]);

    expect(retried).toMatchObject({ ok: true, detail: 'queued again as generation 2 with 2 attempt(s)' });
    const waiting = await settled(job.id, 'retrying', 2);
    expect(waiting.maxAttempts).toBe(2);
    // The backoff after the failure of generation 2's first attempt: the enqueue's 2 s.
    const lastFailure = waiting.errors!.at(-1)!;
    expect(lastFailure.attempt).toBe(1);
    expect(waiting.nextAttemptAt! - Date.parse(lastFailure.at)).toBe(2000);
    const failedAgain = await settled(job.id, 'failed', 2);
    expect(failedAgain.attempts).toBe(2);
    expect(runsOf(job.id).map((run) => run.attempt)).toEqual([1, 2, 1, 2]);
  });
});
