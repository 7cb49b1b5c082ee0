/** Test helpers for the local-runtime suites: condition polling and small class definitions. */
import { randomUUID } from 'node:crypto';
import { CreateQueueCommand, GetQueueAttributesCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { PriorityClass } from '../../shared/priority-classes.ts';
import { queueArn } from '../../local/provision.ts';

/**
 * Polls `probe` until it returns a value other than undefined/false, or throws after the
 * deadline with `what` in the message. Waits on a condition, never on a fixed time.
 */
export async function waitFor<T>(
  what: string,
  probe: () => T | undefined | false | Promise<T | undefined | false>,
  timeoutMs = 15_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** A class with tiny numbers for tests; override what a test is about. */
export function testClass(overrides: Partial<PriorityClass> = {}): PriorityClass {
  return {
    timeoutSeconds: 5,
    attempts: 3,
    backoff: [1],
    batchSize: 10,
    batchWindowSeconds: 0,
    maxConcurrency: 2,
    recordParallelism: 1,
    memoryMb: 128,
    ...overrides,
  };
}

export function uniqueName(label: string): string {
  return `t-${label}-${randomUUID().slice(0, 8)}`;
}

/** A bare queue with its own visibility timeout, for tests that need one shorter than 6× timeout. */
export async function createTestQueue(
  sqs: SQSClient,
  label: string,
  visibilityTimeoutSeconds: number,
): Promise<{ queueUrl: string; queueArn: string }> {
  const { QueueUrl } = await sqs.send(
    new CreateQueueCommand({
      QueueName: uniqueName(label),
      Attributes: { VisibilityTimeout: String(visibilityTimeoutSeconds) },
    }),
  );
  if (!QueueUrl) throw new Error('CreateQueue returned no QueueUrl');
  return { queueUrl: QueueUrl, queueArn: await queueArn(sqs, QueueUrl) };
}

/** Visible + in-flight + delayed messages. fauxqs counts exactly (AWS's counts lag). */
export async function messagesInQueue(sqs: SQSClient, queueUrl: string): Promise<number> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({
      QueueUrl: queueUrl,
      AttributeNames: [
        'ApproximateNumberOfMessages',
        'ApproximateNumberOfMessagesNotVisible',
        'ApproximateNumberOfMessagesDelayed',
      ],
    }),
  );
  return (
    Number(Attributes?.ApproximateNumberOfMessages ?? 0) +
    Number(Attributes?.ApproximateNumberOfMessagesNotVisible ?? 0) +
    Number(Attributes?.ApproximateNumberOfMessagesDelayed ?? 0)
  );
}

/** A promise plus its resolver, to hold a handler until the test lets it go. */
export function gate(): { promise: Promise<void>; open(): void } {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}
