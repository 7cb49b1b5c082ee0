/**
 * Exactly once where it matters, with deliveries under the test's control (the consumer
 * invoked directly on batches received from the emulated queues): the same message delivered
 * twice, the last two members finishing at the same moment on two consumers, a consumer that
 * settled a member and died before advancing its batch, and a cancelled batch.
 */
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsumer, type SqsBatchHandler } from '../../lambdas/consumer/create-consumer.ts';
import { noJobMetrics, type JobMetrics } from '../../lambdas/consumer/job-metrics.ts';
import type { EventPublisher } from '../../shared/events/job-events.ts';
import { createJobRegistry, withPriorityClasses } from '../../shared/job-registry.ts';
import { toSqsRecord } from '../../local/event-source-poller.ts';
import { LOCAL_REGION } from '../../local/emulators.ts';
import { queueArn } from '../../local/provision.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { startTestRuntime, testClasses } from './harness.ts';
import { okJob, runsOf } from './test-jobs.ts';
import { callbackJob, flakyStepJob, noopJob, runsOfJob, stepJob } from './workflow-jobs.ts';

const registry = createJobRegistry([stepJob, flakyStepJob, noopJob, callbackJob, okJob]);
let runtime: LocalRuntime<typeof registry>;
const classes = ['default', 'high-priority'] as const;
const arns: Record<string, string> = {};
const context = () => ({ getRemainingTimeInMillis: () => 4000 });
const silent = { debug() {}, info() {}, warn() {}, error() {} };

/** A fresh consumer: each one stands for another Lambda instance. */
const consumer = (className: (typeof classes)[number], events?: EventPublisher, metrics?: JobMetrics): SqsBatchHandler =>
  createConsumer({
    registry: withPriorityClasses(registry, testClasses),
    className,
    config: runtime.config,
    clients: runtime.clients,
    logger: silent,
    ...(events ? { events } : {}),
    ...(metrics ? { metrics } : {}),
  });

beforeAll(async () => {
  runtime = await startTestRuntime(registry, { consume: false });
  for (const className of classes) arns[className] = await queueArn(runtime.clients.sqs, runtime.config.queues[className]!.queueUrl);
});
afterAll(async () => {
  await runtime?.stop();
});

/** Receives exactly `count` messages of a class's queue as one Lambda SQS event. */
async function receive(className: (typeof classes)[number], count: number): Promise<SQSEvent> {
  const records: SQSEvent['Records'] = [];
  const deadline = Date.now() + 10_000;
  while (records.length < count) {
    if (Date.now() > deadline) throw new Error(`only ${records.length} of ${count} messages arrived`);
    const { Messages = [] } = await runtime.clients.sqs.send(
      new ReceiveMessageCommand({
        QueueUrl: runtime.config.queues[className]!.queueUrl,
        MaxNumberOfMessages: Math.min(10, count - records.length),
        WaitTimeSeconds: 1,
        MessageSystemAttributeNames: ['All'],
        MessageAttributeNames: ['All'],
      }),
    );
    records.push(...Messages.map((m) => toSqsRecord(m, arns[className]!, LOCAL_REGION)));
  }
  return { Records: records };
}

/** Receives whatever a queue holds now (duplicates included) and consumes it, until it is empty. */
async function drain(className: (typeof classes)[number]): Promise<number> {
  let delivered = 0;
  for (;;) {
    const { Messages = [] } = await runtime.clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: runtime.config.queues[className]!.queueUrl, MaxNumberOfMessages: 10, WaitTimeSeconds: 1, MessageSystemAttributeNames: ['All'] }),
    );
    if (Messages.length === 0) return delivered;
    delivered += Messages.length;
    const event = { Records: Messages.map((m) => toSqsRecord(m, arns[className]!, LOCAL_REGION)) };
    // Every message twice: duplicates must change nothing.
    await consumer(className)(event, context());
    await consumer(className)(event, context());
  }
}

const withCallbacks = (tag: string) => ({
  then: { job: 'wf.callback' as const, payload: { tag: `${tag}-then` } },
  finally: { job: 'wf.callback' as const, payload: { tag: `${tag}-finally` } },
});

describe('exactly once', () => {
  it('counts a member once and runs each callback once when every message is delivered twice', async () => {
    const bystander = await runtime.jobs.enqueue('test.ok', { value: 1 });
    const batch = await runtime.jobs.batch([0, 1].map((i) => ({ job: 'wf.noop' as const, payload: { i } })), withCallbacks('dup'));
    const event = await receive('default', 3);

    const defaultConsumer = consumer('default');
    expect(await defaultConsumer(event, context())).toEqual({ batchItemFailures: [] });
    expect(await defaultConsumer(event, context())).toEqual({ batchItemFailures: [] });
    await Promise.all([consumer('default')(event, context()), consumer('default')(event, context())]);

    expect((await runtime.jobs.workflow(batch.id))?.counts).toEqual({ total: 2, completed: 2, failed: 0, cancelled: 0, pending: 0 });
    await drain('high-priority');
    expect(runsOfJob(`${batch.id}.then`)).toHaveLength(1);
    expect(runsOfJob(`${batch.id}.finally`)).toHaveLength(1);
    expect(runsOf(bystander.id)).toHaveLength(1);
    expect(await runtime.store.get(bystander.id)).toMatchObject({ status: 'completed', attempts: 1 });
  });

  it('runs the callbacks once when the last two members finish at the same moment on two consumers', async () => {
    for (let round = 0; round < 5; round++) {
      const batch = await runtime.jobs.batch([0, 1].map((i) => ({ job: 'wf.noop' as const, payload: { i } })), withCallbacks(`race${round}`));
      const both = await receive('default', 2);
      const [first, second] = both.Records.map((record) => ({ Records: [record] }));
      await Promise.all([consumer('default')(first!, context()), consumer('default')(second!, context())]);

      expect((await runtime.jobs.workflow(batch.id))?.status).toBe('completed');
      await drain('high-priority');
      expect(runsOfJob(`${batch.id}.then`)).toHaveLength(1);
      expect(runsOfJob(`${batch.id}.finally`)).toHaveLength(1);
    }
  });

  it('starts a chain step once per generation under duplicate deliveries', async () => {
    const chain = await runtime.jobs.chain([
      { job: 'wf.step', payload: { label: 'one' } },
      { job: 'wf.step', payload: { label: 'two' }, resultAs: 'previous' },
    ]);
    await drain('default');
    expect(await runtime.jobs.workflow(chain.id)).toMatchObject({ status: 'completed', position: 1 });
    expect(runsOfJob(`${chain.id}.0`)).toHaveLength(1);
    expect(runsOfJob(`${chain.id}.1`)).toHaveLength(1);
    expect(runsOfJob(`${chain.id}.1`)[0]!.payload).toEqual({ label: 'two', previous: { labels: ['one'] } });
  });

  it('advances a batch whose member was settled by a consumer that died before advancing it', async () => {
    const batch = await runtime.jobs.batch([{ job: 'wf.noop', payload: { i: 0 } }], withCallbacks('crash'));
    const event = await receive('default', 1);
    // The dead consumer's part: the member claimed and completed, nothing more.
    const id = `${batch.id}.0`;
    const claim = await runtime.store.claim({ id, gen: 1, name: 'wf.noop', class: 'default', maxAttempts: 3, enqueuedAt: new Date().toISOString(), leaseMs: 5_000, createIfMissing: true });
    if (!claim.claimed) throw new Error('claim failed');
    await runtime.store.complete(claim.token, undefined);
    expect((await runtime.jobs.workflow(batch.id))?.counts?.pending).toBe(1);

    // The message comes back: its duplicate delivery finishes the advance.
    expect(await consumer('default')(event, context())).toEqual({ batchItemFailures: [] });

    expect((await runtime.jobs.workflow(batch.id))?.counts).toMatchObject({ completed: 1, pending: 0 });
    await drain('high-priority');
    expect(runsOfJob(`${batch.id}.then`)).toHaveLength(1);
  });

  it('skips the members of a cancelled batch that had not started; finally runs once, then never', async () => {
    const batch = await runtime.jobs.batch([0, 1, 2, 3, 4].map((i) => ({ job: 'wf.noop' as const, payload: { i } })), withCallbacks('cancel'));
    expect(await runtime.jobs.cancelBatch(batch.id)).toEqual({ id: batch.id, cancelled: true });

    await drain('default');

    expect(await runtime.jobs.workflow(batch.id)).toMatchObject({ status: 'cancelled', counts: { total: 5, completed: 0, cancelled: 5, pending: 0 } });
    for (let i = 0; i < 5; i++) expect(await runtime.store.get(`${batch.id}.${i}`)).toMatchObject({ status: 'cancelled', attempts: 0 });
    await drain('high-priority');
    expect(runsOfJob(`${batch.id}.finally`)).toHaveLength(1);
    expect(await runtime.store.get(`${batch.id}.then`)).toBeUndefined();
    expect(await runtime.jobs.cancelBatch(batch.id)).toEqual({ id: batch.id, cancelled: false });
  });

  it('completes and advances a member when publishing its events fails', async () => {
    const batch = await runtime.jobs.batch([{ job: 'wf.noop', payload: { i: 0 } }], withCallbacks('unpublished'));
    const failing: EventPublisher = { publish: () => Promise.reject(new Error('bus unreachable')) };
    let unpublished = 0;
    const metrics: JobMetrics = { ...noJobMetrics, eventsUnpublished: (count) => void (unpublished += count) };

    expect(await consumer('default', failing, metrics)(await receive('default', 1), context())).toEqual({ batchItemFailures: [] });

    expect(await runtime.store.get(`${batch.id}.0`)).toMatchObject({ status: 'completed', attempts: 1 });
    expect(await runtime.jobs.workflow(batch.id)).toMatchObject({ status: 'completed' });
    // job.completed and batch.finished, counted for the JobEventsUnpublished metric.
    expect(unpublished).toBe(2);
    await drain('high-priority');
    expect(runsOfJob(`${batch.id}.then`)).toHaveLength(1);
  });
});
