/**
 * The sweeper on the emulators: a waiting job whose message is gone is marked, then failed as
 * "message lost" one grace period later; bystanders (a job whose message is still queued, a
 * completed job) are left alone; if the message turns up after all, the job runs as its next
 * generation.
 */
import { DeleteMessageBatchCommand, ReceiveMessageCommand, type Message } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsumer } from '../../lambdas/consumer/create-consumer.ts';
import { sweepLostJobs } from '../../lambdas/sweeper/sweep-lost-jobs.ts';
import { LOCAL_REGION } from '../../local/emulators.ts';
import { toSqsRecord } from '../../local/event-source-poller.ts';
import { queueArn } from '../../local/provision.ts';
import { withPriorityClasses } from '../../shared/job-registry.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { startTestRuntime, testClasses, waitFor } from './harness.ts';
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
async function drain(queueUrl: string): Promise<Message[]> {
  const drained: Message[] = [];
  for (;;) {
    const { Messages = [] } = await runtime.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 0 }),
    );
    if (Messages.length === 0) return drained;
    drained.push(...Messages);
    await runtime.clients.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Messages.map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle! })),
      }),
    );
  }
}

describe('sweepLostJobs', () => {
  it('fails a queued job whose message is gone, in two steps, and leaves the others alone', async () => {
    // A keyed job is recorded before its message is sent: the record the sweeper watches.
    const lostJob = await runtime.jobs.enqueue('test.ok', { value: 1 }, { idempotencyKey: 'sweeper-lost' });
    const [original] = await drain(runtime.config.queues.default!.queueUrl);
    expect(original).toBeDefined();
    // Bystander: its message is still in its queue (a backlog), so nothing can be concluded there.
    const waiting = await runtime.jobs.enqueue('test.ok', { value: 2 }, { class: 'high-priority', idempotencyKey: 'sweeper-waiting' });
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

    // The message turns up after all (say, redriven from the DLQ): the job runs as generation 2.
    const queueUrl = runtime.config.queues.default!.queueUrl;
    const arn = await queueArn(runtime.clients.sqs, queueUrl);
    const consume = createConsumer({
      registry: withPriorityClasses(testRegistry, testClasses),
      className: 'default',
      config: runtime.config,
      clients: runtime.clients,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    const context = { getRemainingTimeInMillis: () => 4000 };
    expect(await consume({ Records: [toSqsRecord(original!, arn, LOCAL_REGION)] }, context)).toEqual({ batchItemFailures: [] });
    const rearmed = await runtime.store.get(lostJob.id);
    expect(rearmed).toMatchObject({ status: 'queued', gen: 2 });
    expect(rearmed?.lostAt).toBeUndefined();
    const [next] = await waitFor(async () => {
      const { Messages = [] } = await runtime.clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1, MessageSystemAttributeNames: ['All'] }),
      );
      return Messages.length > 0 ? Messages : undefined;
    }, 'the next generation message');
    await consume({ Records: [toSqsRecord(next!, arn, LOCAL_REGION)] }, context);
    expect(await runtime.store.get(lostJob.id)).toMatchObject({ status: 'completed', gen: 2 });
  });

  it('finds a retrying job whose message is gone through its resumable scan, and fails it as lost', async () => {
    const queueUrl = runtime.config.queues.default!.queueUrl;
    await drain(queueUrl);
    const arn = await queueArn(runtime.clients.sqs, queueUrl);
    const consume = createConsumer({
      registry: withPriorityClasses(testRegistry, testClasses),
      className: 'default',
      config: runtime.config,
      clients: runtime.clients,
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    // A plain job fails its first attempt: its record is `retrying`, and not in the index.
    const job = await runtime.jobs.enqueue('test.flaky', { failures: 2 });
    const [message] = await waitFor(async () => {
      const { Messages = [] } = await runtime.clients.sqs.send(
        new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1, MessageSystemAttributeNames: ['All'] }),
      );
      return Messages.length > 0 ? Messages : undefined;
    }, 'the job message');
    await consume({ Records: [toSqsRecord(message!, arn, LOCAL_REGION)] }, { getRemainingTimeInMillis: () => 4000 });
    const retrying = await runtime.store.get(job.id);
    expect(retrying).toMatchObject({ status: 'retrying', attempts: 1 });
    expect(retrying?.statusShard).toBeUndefined();
    // SQS's redrive policy takes the message away (here: it is drained).
    await waitFor(async () => (await drain(queueUrl)).length > 0, 'the retry message to be drained');

    const start = Date.now();
    // One table item per scan page: the slice resumes across runs until it has seen the record.
    const sweepAt = async (atMs: number) => {
      let total = { suspects: 0, lost: 0 };
      for (let run = 0; run < 60 && total.suspects + total.lost === 0; run++) {
        const result = await sweepLostJobs({ clients: runtime.clients, config: runtime.config, now: () => atMs, scan: { pages: 1, itemsPerPage: 1 } });
        total = { suspects: result.suspects, lost: result.lost };
      }
      return total;
    };
    expect(await sweepAt(start + 20 * MIN)).toMatchObject({ suspects: 1, lost: 0 });
    expect(await sweepAt(start + 31 * MIN)).toMatchObject({ lost: 1 });
    const failed = await runtime.store.get(job.id);
    expect(failed).toMatchObject({ status: 'failed', lastError: expect.stringMatching(/^message lost: .*\(retrying since/) });
    expect(failed?.statusShard).toBeDefined();
  });
});
