import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  ReceiveMessageCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  type ReceiveMessageCommandInput,
} from '@aws-sdk/client-sqs';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { awsClientsFor, startEmulators, type AwsClients, type RunningEmulators } from '../../local/emulators.ts';
import {
  startEventSourcePoller,
  type EventSourcePoller,
  type EventSourcePollerOptions,
  type PollerErrorPhase,
  type SqsBatchHandler,
} from '../../local/event-source-poller.ts';
import { provisionPipeline, queueArn } from '../../local/provision.ts';
import { createTestQueue, gate, messagesInQueue, testClass, uniqueName, waitFor } from './helpers.ts';

let emulators: RunningEmulators;
let clients: AwsClients;
const receiveInputs: ReceiveMessageCommandInput[] = [];
const pollers: EventSourcePoller[] = [];

beforeAll(async () => {
  emulators = await startEmulators();
  clients = awsClientsFor(emulators.endpoint);
  // Record every ReceiveMessage request the poller makes (fauxqs would hide a missing
  // MessageAttributeNames: it returns all attributes anyway, AWS returns none).
  clients.sqs.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === 'ReceiveMessageCommand') {
        receiveInputs.push(args.input as ReceiveMessageCommandInput);
      }
      return next(args);
    },
    { step: 'initialize', name: 'recordReceives' },
  );
});

afterEach(async () => {
  await Promise.all(pollers.splice(0).map((poller) => poller.stop()));
});

afterAll(async () => {
  clients?.destroy();
  await emulators?.stop();
});

interface Delivery {
  readonly batch: number;
  readonly record: SQSRecord;
}

type PollerOverrides = Partial<Omit<EventSourcePollerOptions, 'sqs' | 'queueUrl' | 'queueArn'>>;

/** Starts a poller on the queue, recording batches and errors; stopped after each test. */
function poll(queue: { queueUrl: string; queueArn: string }, handler: SqsBatchHandler, overrides: PollerOverrides = {}) {
  const batches: SQSRecord[][] = [];
  const deliveries: Delivery[] = [];
  const errors: { phase: PollerErrorPhase; error: unknown }[] = [];
  const poller = startEventSourcePoller({
    sqs: clients.sqs,
    ...queue,
    className: 'test',
    cls: testClass(),
    onError: (error, phase) => errors.push({ phase, error }),
    ...overrides,
    handler: async (event, context) => {
      const batch = batches.push(event.Records) - 1;
      for (const record of event.Records) deliveries.push({ batch, record });
      return (overrides.handler ?? handler)(event, context);
    },
  });
  pollers.push(poller);
  return { poller, batches, deliveries, errors };
}

async function send(queueUrl: string, bodies: readonly string[]): Promise<void> {
  for (let i = 0; i < bodies.length; i += 10) {
    await clients.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: bodies.slice(i, i + 10).map((body, j) => ({ Id: String(j), MessageBody: body })),
      }),
    );
  }
}

const receiveCount = (record: SQSRecord) => Number(record.attributes.ApproximateReceiveCount);

describe('startEventSourcePoller', () => {
  it('delivers batches of at most batchSize, deletes successes, leaves reported failures', async () => {
    const config = await provisionPipeline({
      ...clients,
      prefix: uniqueName('poll'),
      classes: { default: testClass({ timeoutSeconds: 5 }) }, // visibility 30 s: only released failures return
    });
    const { queueUrl } = config.queues.default ?? { queueUrl: '' };
    const queue = { queueUrl, queueArn: await queueArn(clients.sqs, queueUrl) };
    const contexts: Context[] = [];
    const bodies = Array.from({ length: 12 }, (_, i) => (i % 4 === 0 ? `fail-${i}` : `ok-${i}`));

    const run = poll(
      queue,
      async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> => {
        contexts.push(context);
        const failures: SQSBatchResponse['batchItemFailures'] = [];
        for (const record of event.Records) {
          if (record.body.startsWith('fail-') && receiveCount(record) === 1) {
            // As the consumer does for a retry: set the visibility, then report the failure.
            await clients.sqs.send(
              new ChangeMessageVisibilityCommand({
                QueueUrl: queueUrl,
                ReceiptHandle: record.receiptHandle,
                VisibilityTimeout: 0,
              }),
            );
            failures.push({ itemIdentifier: record.messageId });
          }
        }
        return { batchItemFailures: failures };
      },
      { className: 'default', cls: testClass({ timeoutSeconds: 5, batchSize: 4, maxConcurrency: 2 }) },
    );
    await send(queueUrl, bodies);

    await waitFor('12 successful deliveries and an empty queue', async () => {
      const succeeded = run.deliveries.filter((d) => d.record.body.startsWith('ok-') || receiveCount(d.record) === 2);
      return succeeded.length === 12 && (await messagesInQueue(clients.sqs, queueUrl)) === 0;
    });

    expect(run.batches.every((batch) => batch.length >= 1 && batch.length <= 4)).toBe(true);
    for (const body of bodies) {
      const counts = run.deliveries.filter((d) => d.record.body === body).map((d) => receiveCount(d.record));
      expect(counts, body).toEqual(body.startsWith('fail-') ? [1, 2] : [1]);
    }
    expect(run.errors).toEqual([]);

    const record = run.deliveries[0]?.record;
    expect(record?.eventSource).toBe('aws:sqs');
    expect(record?.eventSourceARN).toBe(queue.queueArn);
    expect(record?.awsRegion).toBe('us-east-1');
    expect(record?.md5OfBody).toMatch(/^[0-9a-f]{32}$/);
    expect(Object.keys(record?.attributes ?? {}).sort()).toEqual([
      'ApproximateFirstReceiveTimestamp',
      'ApproximateReceiveCount',
      'SenderId',
      'SentTimestamp',
    ]);
    const context = contexts[0];
    expect(context?.functionName).toBe('sqs-jobs-default');
    expect(context?.invokedFunctionArn).toBe('arn:aws:lambda:us-east-1:000000000000:function:sqs-jobs-default');
    expect(context?.memoryLimitInMB).toBe('128');
    expect(context?.getRemainingTimeInMillis()).toBeLessThanOrEqual(5000);

    expect(receiveInputs.length).toBeGreaterThan(0);
    for (const input of receiveInputs) {
      expect(input.MessageAttributeNames).toEqual(['All']);
      expect(input.MessageSystemAttributeNames).toEqual(['All']);
      expect(input.MaxNumberOfMessages).toBeLessThanOrEqual(10);
      expect(input.WaitTimeSeconds).toBeLessThanOrEqual(20);
    }
  });

  it('passes message attributes in Lambda’s shape', async () => {
    const queue = await createTestQueue(clients.sqs, 'attrs', 30);
    const run = poll(queue, async () => undefined);
    await clients.sqs.send(
      new SendMessageCommand({
        QueueUrl: queue.queueUrl,
        MessageBody: '{}',
        MessageAttributes: {
          job: { DataType: 'String', StringValue: 'send-email' },
          raw: { DataType: 'Binary', BinaryValue: new Uint8Array([255, 0]) },
        },
      }),
    );
    const { record } = await waitFor('the delivery', () => run.deliveries[0]);
    expect(record.messageAttributes).toEqual({
      job: { stringValue: 'send-email', stringListValues: [], binaryListValues: [], dataType: 'String' },
      raw: { binaryValue: '/wA=', stringListValues: [], binaryListValues: [], dataType: 'Binary' },
    });
    expect(record.md5OfMessageAttributes).toMatch(/^[0-9a-f]{32}$/);
  });

  it('fills a batch beyond 10 records within the batch window', async () => {
    const queue = await createTestQueue(clients.sqs, 'window', 30);
    await send(queue.queueUrl, Array.from({ length: 15 }, (_, i) => `m${i}`));
    const run = poll(queue, async () => undefined, {
      cls: testClass({ batchSize: 15, batchWindowSeconds: 1, maxConcurrency: 1 }),
    });
    await waitFor('15 deliveries', () => run.deliveries.length === 15);
    expect(run.batches.map((batch) => batch.length)).toEqual([15]);
    await waitFor('an empty queue', async () => (await messagesInQueue(clients.sqs, queue.queueUrl)) === 0);
  });

  it('keeps a batch under Lambda’s 6 MB invocation payload', async () => {
    const queue = await createTestQueue(clients.sqs, 'payload', 30);
    const big = 'x'.repeat(1_000_000);
    for (let i = 0; i < 7; i++) {
      // One by one: a SendMessageBatch request is limited to 1 MiB in all.
      await clients.sqs.send(new SendMessageCommand({ QueueUrl: queue.queueUrl, MessageBody: `${i}${big}` }));
    }
    const run = poll(queue, async () => undefined, { cls: testClass({ batchSize: 10, maxConcurrency: 1 }) });
    await waitFor('7 deliveries', () => run.deliveries.length === 7);
    expect(run.batches.map((batch) => batch.length)).toEqual([6, 1]);
    await waitFor('an empty queue', async () => (await messagesInQueue(clients.sqs, queue.queueUrl)) === 0);
  });

  it('never runs more than maxConcurrency invocations at once', async () => {
    const queue = await createTestQueue(clients.sqs, 'concurrency', 30);
    let active = 0;
    let maxActive = 0;
    const bothRunning = gate();
    const run = poll(
      queue,
      async () => {
        active++;
        maxActive = Math.max(maxActive, active);
        if (active === 2) bothRunning.open();
        await bothRunning.promise;
        active--;
      },
      { cls: testClass({ batchSize: 1, maxConcurrency: 2 }) },
    );
    await send(queue.queueUrl, ['a', 'b', 'c', 'd', 'e', 'f']);
    await waitFor('6 deliveries', () => run.deliveries.length === 6);
    await waitFor('an empty queue', async () => (await messagesInQueue(clients.sqs, queue.queueUrl)) === 0);
    expect(maxActive).toBe(2);
  });

  it.each<[string, SqsBatchHandler]>([
    [
      'throws',
      async () => {
        throw new Error('handler failed');
      },
    ],
    ['returns an empty itemIdentifier', async () => ({ batchItemFailures: [{ itemIdentifier: '' }] })],
    ['returns an unknown itemIdentifier', async () => ({ batchItemFailures: [{ itemIdentifier: 'not-in-batch' }] })],
  ])('redelivers the whole batch after the visibility timeout when the handler %s', async (label, failing) => {
    const queue = await createTestQueue(clients.sqs, 'redeliver', 1);
    const run = poll(queue, async (event, context) => {
      // First delivery fails as a whole; the redelivery succeeds.
      if (event.Records.some((record) => receiveCount(record) === 1)) return failing(event, context);
      return undefined;
    });
    await send(queue.queueUrl, ['x', 'y']);
    await waitFor('both messages delivered a second time', () =>
      ['x', 'y'].every((body) => run.deliveries.some((d) => d.record.body === body && receiveCount(d.record) === 2)),
    );
    await waitFor('an empty queue', async () => (await messagesInQueue(clients.sqs, queue.queueUrl)) === 0);
    expect(run.errors.map((e) => e.phase)).toContain(label === 'throws' ? 'handler' : 'response');
  });

  it('treats a handler that outlives the function timeout as failed: nothing deleted', async () => {
    const queue = await createTestQueue(clients.sqs, 'timeout', 2);
    const hold = gate();
    let lateReturns = 0;
    const run = poll(
      queue,
      async (event) => {
        if (receiveCount(event.Records[0] as SQSRecord) === 1) {
          await hold.promise;
          lateReturns++;
        }
        return undefined;
      },
      { cls: testClass({ timeoutSeconds: 1 }) },
    );
    await send(queue.queueUrl, ['slow']);

    await waitFor('the timeout', () => run.errors.some((e) => e.phase === 'timeout'));
    expect(await messagesInQueue(clients.sqs, queue.queueUrl)).toBe(1);
    hold.open(); // the late "success" must not delete anything
    await waitFor('the late return', () => lateReturns === 1);

    await waitFor('the redelivery', () => run.deliveries.some((d) => receiveCount(d.record) === 2));
    await waitFor('an empty queue', async () => (await messagesInQueue(clients.sqs, queue.queueUrl)) === 0);
  });

  it('stop() waits for in-flight invocations, then polls no more', async () => {
    const queue = await createTestQueue(clients.sqs, 'stop', 30);
    const hold = gate();
    const order: string[] = [];
    const run = poll(queue, async () => {
      order.push('handler started');
      await hold.promise;
      order.push('handler finished');
    });
    await send(queue.queueUrl, ['in-flight']);
    await waitFor('the handler to start', () => order.includes('handler started'));

    const stopped = run.poller.stop().then(() => order.push('stopped'));
    await new Promise((resolve) => setImmediate(resolve));
    expect(order).toEqual(['handler started']);
    hold.open();
    await stopped;

    expect(order).toEqual(['handler started', 'handler finished', 'stopped']);
    expect(await messagesInQueue(clients.sqs, queue.queueUrl)).toBe(0);
    await send(queue.queueUrl, ['after stop']);
    const { Messages } = await clients.sqs.send(
      new ReceiveMessageCommand({ QueueUrl: queue.queueUrl, WaitTimeSeconds: 1 }),
    );
    expect(Messages?.map((m) => m.Body)).toEqual(['after stop']);
    expect(run.deliveries).toHaveLength(1);
  });

  it('survives receive errors and keeps polling', async () => {
    const name = uniqueName('late');
    const queueUrl = `${emulators.endpoint.sqs}/000000000000/${name}`;
    const run = poll({ queueUrl, queueArn: `arn:aws:sqs:us-east-1:000000000000:${name}` }, async () => undefined);
    await waitFor('two receive errors', () => run.errors.filter((e) => e.phase === 'receive').length >= 2);

    await clients.sqs.send(new CreateQueueCommand({ QueueName: name }));
    await send(queueUrl, ['finally']);
    await waitFor('the delivery', () => run.deliveries.some((d) => d.record.body === 'finally'));
  });
});
