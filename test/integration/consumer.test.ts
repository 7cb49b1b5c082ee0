/**
 * The consumer invoked directly with batches received from the emulated queue, for the cases
 * that need exact control over deliveries: duplicates, partial batches, the deadline. Also the
 * SDK's idempotency and its behaviour when a service is unreachable.
 */
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { ReceiveMessageCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsumer, type SqsBatchHandler } from '../../lambdas/consumer/create-consumer.ts';
import { toDocumentClient } from '../../shared/aws-clients.ts';
import { encodeEnvelope } from '../../shared/envelope.ts';
import { EnqueueError } from '../../shared/errors.ts';
import { withPriorityClasses } from '../../shared/job-registry.ts';
import { createJobClient } from '../../shared/sdk/job-client.ts';
import { toSqsRecord } from '../../local/event-source-poller.ts';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../local/emulators.ts';
import { queueArn } from '../../local/provision.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { queueDepth, startTestRuntime, testClasses } from './harness.ts';
import { openGate, runsOf, testRegistry } from './test-jobs.ts';
import { closedPort } from '../helpers/ports.ts';

let runtime: LocalRuntime<typeof testRegistry>;
let consume: SqsBatchHandler;
let arn: string;
const queueUrl = () => runtime.config.queues.default!.queueUrl;
const context = (remainingMs = 4000) => ({ getRemainingTimeInMillis: () => remainingMs });

beforeAll(async () => {
  runtime = await startTestRuntime(testRegistry, { consume: false });
  consume = createConsumer({
    registry: withPriorityClasses(testRegistry, testClasses),
    className: 'default',
    config: runtime.config,
    clients: runtime.clients,
    logger: { debug() {}, info() {}, warn() {}, error() {} },
  });
  arn = await queueArn(runtime.clients.sqs, queueUrl());
});
afterAll(async () => {
  await runtime?.stop();
});

/** Receives exactly `count` messages from the default queue as a Lambda SQS event. */
async function receiveEvent(count: number): Promise<SQSEvent> {
  const records: SQSEvent['Records'] = [];
  while (records.length < count) {
    const { Messages = [] } = await runtime.clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: queueUrl(),
        MaxNumberOfMessages: Math.min(10, count - records.length),
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    records.push(...Messages.map((m) => toSqsRecord(m, arn, LOCAL_REGION)));
  }
  return { Records: records };
}

/** Client settings for an endpoint that refuses connections, failing fast. */
async function unreachable() {
  return { endpoint: `http://127.0.0.1:${await closedPort()}`, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, maxAttempts: 1 };
}


describe('consumer', () => {
  it('runs a job once when the same message is delivered twice', async () => {
    const job = await runtime.jobs.enqueue('test.ok', { value: 1 });
    const event = await receiveEvent(1);

    expect(await consume(event, context())).toEqual({ batchItemFailures: [] });
    expect(await consume(event, context())).toEqual({ batchItemFailures: [] });

    expect(runsOf(job.id)).toHaveLength(1);
    expect(await runtime.store.get(job.id)).toMatchObject({ status: 'completed', attempts: 1 });
  });

  it('runs a job once when two deliveries arrive while it is running, and defers the other', async () => {
    const job = await runtime.jobs.enqueue('test.gated', { gate: 'duplicate' });
    const event = await receiveEvent(1);

    const first = consume(event, context());
    // The first delivery holds the claim; the second must not run the job again.
    await expect.poll(() => runsOf(job.id).length).toBe(1);
    const second = await consume(event, context());
    expect(second.batchItemFailures).toEqual([{ itemIdentifier: event.Records[0]!.messageId }]);

    openGate('duplicate');
    expect(await first).toEqual({ batchItemFailures: [] });
    expect(runsOf(job.id)).toHaveLength(1);
    expect(await runtime.store.get(job.id)).toMatchObject({ status: 'completed', attempts: 1 });
  });

  it('reports only the failed records of a batch', async () => {
    const ok = await Promise.all([1, 2, 3].map((value) => runtime.jobs.enqueue('test.ok', { value })));
    const failing = await Promise.all([1, 2].map(() => runtime.jobs.enqueue('test.always-fails', {})));
    const event = await receiveEvent(5);
    const messageIdOf = new Map(
      event.Records.map((r) => [(JSON.parse(r.body) as { id: string }).id, r.messageId] as const),
    );

    const response = await consume(event, context());

    expect(response.batchItemFailures.map((f) => f.itemIdentifier).sort()).toEqual(
      failing.map((job) => messageIdOf.get(job.id)).sort(),
    );
    for (const job of ok) expect(await runtime.store.get(job.id)).toMatchObject({ status: 'completed' });
    for (const job of failing) expect(await runtime.store.get(job.id)).toMatchObject({ status: 'retrying', attempts: 1 });
  });

  it('hands back records it has no time to start, without counting an attempt', async () => {
    const job = await runtime.jobs.enqueue('test.ok', { value: 7 });
    const event = await receiveEvent(1);

    const response = await consume(event, context(50));

    expect(response.batchItemFailures).toHaveLength(1);
    expect(runsOf(job.id)).toHaveLength(0);
    // Not claimed, so not on record yet.
    expect(await runtime.store.get(job.id)).toBeUndefined();
    // Handed back with visibility 0: it can be received again at once, and then it runs.
    expect(await consume(await receiveEvent(1), context())).toEqual({ batchItemFailures: [] });
    expect(await runtime.store.get(job.id)).toMatchObject({ status: 'completed', attempts: 1 });
  });
});

describe('jobs without a record', () => {
  it('never runs the dead-lettered copy of a job whose record is gone (forgotten)', async () => {
    const id = 'removed-job-1';
    await runtime.clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: queueUrl(),
        MessageBody: encodeEnvelope({ v: 1, id, job: 'test.ok', gen: 1, enqueuedAt: new Date().toISOString(), payload: { value: 1 }, deadLettered: true }),
      }),
    );
    expect(await consume(await receiveEvent(1), context())).toEqual({ batchItemFailures: [] });
    expect(runsOf(id)).toHaveLength(0);
    expect(await runtime.store.get(id)).toBeUndefined();
  });

  it('moves only scheduled jobs to queued when the dispatcher sends them', async () => {
    const job = await runtime.jobs.enqueue('test.gated', { gate: 'dispatch-guard' });
    const event = await receiveEvent(1);
    const running = consume(event, context());
    await expect.poll(() => runsOf(job.id).length).toBe(1);

    await expect(runtime.store.markDispatched(job.id, Date.now())).rejects.toThrow(/is no longer scheduled/);

    openGate('dispatch-guard');
    await running;
    expect(await runtime.store.get(job.id)).toMatchObject({ status: 'completed' });
  });
});

describe('enqueue', () => {
  it('returns the first job for a repeated idempotency key and sends nothing new', async () => {
    const before = await queueDepth(runtime.clients.sqs, queueUrl());
    const first = await runtime.jobs.enqueue('test.ok', { value: 5 }, { idempotencyKey: 'order-42' });
    const second = await runtime.jobs.enqueue('test.ok', { value: 5 }, { idempotencyKey: 'order-42' });

    expect(second).toEqual({ ...first, duplicate: true });
    expect(first.duplicate).toBe(false);
    expect(await queueDepth(runtime.clients.sqs, queueUrl())).toBe(before + 1);
  });

  it('rejects with a clear error and leaves no record when SQS is unreachable', async () => {
    const deadSqs = new SQSClient(await unreachable());
    const jobs = createJobClient({
      registry: testRegistry,
      config: runtime.config,
      clients: { sqs: deadSqs, dynamodb: runtime.clients.dynamodb },
    });

    const error = await jobs.enqueue('test.ok', { value: 1 }, { idempotencyKey: 'unsent-1' }).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(EnqueueError);
    expect((error as Error).message).toMatch(/^could not send job "test.ok" to the default queue: .*ECONNREFUSED/);
    // The same key works once SQS is back: nothing half-written blocks it.
    const retried = await runtime.jobs.enqueue('test.ok', { value: 1 }, { idempotencyKey: 'unsent-1' });
    expect(retried.duplicate).toBe(false);
  });

  it('rejects with a clear error and sends nothing when DynamoDB is unreachable', async () => {
    const before = await queueDepth(runtime.clients.sqs, queueUrl());
    const deadDynamo = new DynamoDBClient(await unreachable());
    const jobs = createJobClient({
      registry: testRegistry,
      config: runtime.config,
      clients: { sqs: runtime.clients.sqs, dynamodb: toDocumentClient(deadDynamo) },
    });

    // A keyed job's enqueue reads and writes its record before sending.
    await expect(jobs.enqueue('test.ok', { value: 1 }, { idempotencyKey: 'dead-dynamo' })).rejects.toThrow(
      new RegExp(`^could not record job "test.ok" in table ${runtime.config.tableName}: .*ECONNREFUSED`),
    );
    expect(await queueDepth(runtime.clients.sqs, queueUrl())).toBe(before);
  });

  it('enqueues a plain job with one SQS request and no table access', async () => {
    const before = await queueDepth(runtime.clients.sqs, queueUrl());
    const deadDynamo = new DynamoDBClient(await unreachable());
    const jobs = createJobClient({
      registry: testRegistry,
      config: runtime.config,
      clients: { sqs: runtime.clients.sqs, dynamodb: toDocumentClient(deadDynamo) },
    });

    const job = await jobs.enqueue('test.ok', { value: 3 });

    expect(job).toMatchObject({ status: 'queued', duplicate: false });
    expect(await queueDepth(runtime.clients.sqs, queueUrl())).toBe(before + 1);
    expect(await runtime.store.get(job.id)).toBeUndefined();
    // Earlier tests may have left messages: consume until this job's has been through.
    for (let round = 0; round < 5 && runsOf(job.id).length === 0; round++) await consume(await receiveEvent(10), context());
    expect(await runtime.store.get(job.id)).toMatchObject({ status: 'completed', attempts: 1, name: 'test.ok', class: 'default' });
  });

  it('rejects an invalid payload before writing anything', async () => {
    const before = await queueDepth(runtime.clients.sqs, queueUrl());
    await expect(runtime.jobs.enqueue('test.ok', { value: 'two' as unknown as number })).rejects.toThrow(
      /invalid payload for job "test.ok": value: /,
    );
    expect(await queueDepth(runtime.clients.sqs, queueUrl())).toBe(before);
  });
});
