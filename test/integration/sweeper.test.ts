/**
 * The sweeper on the emulators: a waiting job whose message is gone is marked, then failed as
 * "message lost" one grace period later; bystanders (a job whose message is still queued, a
 * completed job) are left alone.
 */
import { ReceiveMessageCommand, DeleteMessageBatchCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sweepLostJobs } from '../../lambdas/sweeper/sweep-lost-jobs.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { startTestRuntime } from './harness.ts';
import { testRegistry } from './test-jobs.ts';

let runtime: LocalRuntime<typeof testRegistry>;
const MIN = 60_000;

beforeAll(async () => {
  runtime = await startTestRuntime(testRegistry, { consume: false });
});
afterAll(async () => {
  await runtime?.stop();
});

/** Takes every message off a queue, as if SQS had lost them. */
async function drain(queueUrl: string): Promise<number> {
  let drained = 0;
  for (;;) {
    const { Messages = [] } = await runtime.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return drained;
    await runtime.clients.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
    drained += Messages.length;
  }
}

describe('sweepLostJobs', () => {
  it('fails a queued job whose message is gone, in two steps, and leaves the others alone', async () => {
    const lostJob = await runtime.jobs.enqueue('test.ok', { value: 1 });
    expect(await drain(runtime.config.queues.default!.queueUrl)).toBe(1);
    // Bystander: its message is still in its queue (a backlog), so nothing can be concluded there.
    const waiting = await runtime.jobs.enqueue('test.ok', { value: 2 }, { class: 'high-priority' });
    const lostSeen: string[] = [];
    const sweep = (atMs: number) =>
      sweepLostJobs({
        clients: runtime.clients,
        config: runtime.config,
        now: () => atMs,
        onLost: (record) => lostSeen.push(record.id),
      });
    const start = Date.now();

    const early = await sweep(start + 5 * MIN);
    expect(early).toMatchObject({ suspects: 0, lost: 0 });

    const first = await sweep(start + 11 * MIN);
    expect(first).toMatchObject({ suspects: 1, lost: 0 });
    expect((await runtime.store.get(lostJob.id))?.status).toBe('queued');

    const second = await sweep(start + 22 * MIN);
    expect(second).toMatchObject({ lost: 1, lostByClass: { default: 1 } });
    expect(lostSeen).toEqual([lostJob.id]);
    const failed = await runtime.store.get(lostJob.id);
    expect(failed?.status).toBe('failed');
    expect(failed?.lastError).toMatch(/^message lost: no delivery since /);

    expect((await runtime.store.get(waiting.id))?.status).toBe('queued');
    // Nothing more to find: the lost job is terminal now.
    expect(await sweep(start + 40 * MIN)).toMatchObject({ suspects: 0, lost: 0 });
  });
});
