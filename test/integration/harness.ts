/**
 * Integration-test harness: the local runtime on the embedded emulators (or on the endpoint
 * named by AWS_ENDPOINT_URL), with a tiny class catalog so retries take seconds.
 */
import { randomBytes } from 'node:crypto';
import { DeleteTableCommand } from '@aws-sdk/client-dynamodb';
import { DeleteQueueCommand, GetQueueAttributesCommand, ReceiveMessageCommand, type Message, type SQSClient } from '@aws-sdk/client-sqs';
import type { JobRegistry } from '../../shared/job-registry.ts';
import type { PriorityClass } from '../../shared/priority-classes.ts';
import { startLocalRuntime, type LocalRuntime, type LocalRuntimeOptions } from '../../local/runtime.ts';

const tiny: PriorityClass = {
  timeoutSeconds: 4,
  attempts: 3,
  backoff: [1, 2],
  batchSize: 10,
  batchWindowSeconds: 0,
  maxConcurrency: 2,
  recordParallelism: 10,
  memoryMb: 128,
};

/** Real class names (job definitions are checked against the catalog), test-sized settings. */
export const testClasses = { default: tiny, 'high-priority': { ...tiny, batchSize: 5 } } as const;

/**
 * Starts the runtime for one test file. On a shared endpoint (LocalStack, moto, AWS) `stop()`
 * also deletes the queues and table it created; embedded emulators simply vanish.
 */
export async function startTestRuntime<R extends JobRegistry>(
  registry: R,
  options: Partial<LocalRuntimeOptions<R>> = {},
): Promise<LocalRuntime<R>> {
  const runtime = await startLocalRuntime({
    registry,
    classes: testClasses,
    // Unique names, so that runs against a shared endpoint (LocalStack, AWS) do not collide.
    prefix: `it-${randomBytes(3).toString('hex')}`,
    onPollerError: (className, error, phase) => {
      if (phase !== 'receive') console.error(`poller ${className} ${phase}:`, error);
    },
    ...options,
  });
  if (runtime.embedded) return runtime;
  return {
    ...runtime,
    async stop() {
      const urls = Object.values(runtime.config.queues).flatMap((q) => [q.queueUrl, q.dlqUrl]);
      await Promise.allSettled(urls.map((QueueUrl) => runtime.clients.sqs.send(new DeleteQueueCommand({ QueueUrl }))));
      await runtime.clients.dynamodb.send(new DeleteTableCommand({ TableName: runtime.config.tableName })).catch(() => undefined);
      await runtime.stop();
    },
  };
}

/** Polls `probe` until it returns a value (not undefined/false) or the deadline passes. */
export async function waitFor<T>(
  probe: () => Promise<T | undefined | false> | T | undefined | false,
  what: string,
  timeoutMs = 30_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** Receives everything currently in a queue (with all attributes), leaving it invisible. */
export async function receiveAll(sqs: SQSClient, queueUrl: string, expected: number): Promise<Message[]> {
  const messages: Message[] = [];
  await waitFor(
    async () => {
      const { Messages } = await sqs.send(
        new ReceiveMessageCommand({
          QueueUrl: queueUrl,
          MaxNumberOfMessages: 10,
          WaitTimeSeconds: 1,
          MessageAttributeNames: ['All'],
          MessageSystemAttributeNames: ['All'],
          VisibilityTimeout: 60,
        }),
      );
      messages.push(...(Messages ?? []));
      return messages.length >= expected;
    },
    `${expected} message(s) in ${queueUrl}`,
  );
  return messages;
}

export async function queueDepth(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: ['ApproximateNumberOfMessages', 'ApproximateNumberOfMessagesNotVisible', 'ApproximateNumberOfMessagesDelayed'],
    }),
  );
  return (
    Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0) +
    Number(Attributes?.ApproximateNumberOfMessagesDelayed ?? 0)
  );
}

export function attribute(message: Message, name: string): string | undefined {
  return message.MessageAttributes?.[name]?.StringValue;
}
