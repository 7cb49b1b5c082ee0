/**
 * A consumer that stops mid-batch (frozen: every AWS call from then on hangs, as after a crash
 * or a SIGSTOP): its messages come back once the invocation could no longer be running (its
 * remaining time plus a margin), not after the queue's visibility timeout of 6 × the function
 * timeout.
 */
import { ReceiveMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createConsumer } from '../../lambdas/consumer/create-consumer.ts';
import { LOCAL_REGION, awsClientsFor, type EmulatorEndpoints } from '../../local/emulators.ts';
import { toSqsRecord } from '../../local/event-source-poller.ts';
import { queueArn } from '../../local/provision.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { toDocumentClient } from '../../shared/aws-clients.ts';
import { withPriorityClasses } from '../../shared/job-registry.ts';
import { startTestRuntime, testClasses, waitFor } from './harness.ts';
import { openGate, runsOf, testRegistry } from './test-jobs.ts';

let runtime: LocalRuntime<typeof testRegistry>;
let raw: ReturnType<typeof awsClientsFor> | undefined;
beforeAll(async () => {
  runtime = await startTestRuntime(testRegistry, { consume: false });
});
afterAll(async () => {
  openGate('crash-cover');
  raw?.destroy();
  await runtime?.stop();
});

describe('crash recovery', () => {
  it('returns a crashed invocation’s message within its remaining time, not the queue visibility', async () => {
    const queueUrl = runtime.config.queues.default!.queueUrl;
    raw = awsClientsFor(runtime.endpoints as EmulatorEndpoints);
    let frozen = false;
    const hang = () => new Promise<never>(() => undefined);
    raw.sqs.middlewareStack.add((next) => (args) => (frozen ? hang() : next(args)), { step: 'initialize', name: 'freeze' });
    raw.dynamodb.middlewareStack.add((next) => (args) => (frozen ? hang() : next(args)), { step: 'initialize', name: 'freeze' });
    const consume = createConsumer({
      registry: withPriorityClasses(testRegistry, testClasses),
      className: 'default',
      config: runtime.config,
      clients: { sqs: raw.sqs, dynamodb: toDocumentClient(raw.dynamodb) },
      logger: { debug() {}, info() {}, warn() {}, error() {} },
    });
    const job = await runtime.jobs.enqueue('test.gated', { gate: 'crash-cover' });
    const receive = async (visibilityTimeout: number) =>
      (
        await runtime.clients.sqs.send(
          new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 1, WaitTimeSeconds: 1, VisibilityTimeout: visibilityTimeout }),
        )
      ).Messages?.[0];
    const first = await waitFor(() => receive(600), 'the first delivery');
    const receivedAt = Date.now();
    const arn = await queueArn(runtime.clients.sqs, queueUrl);
    void consume({ Records: [toSqsRecord(first, arn, LOCAL_REGION)] }, { getRemainingTimeInMillis: () => 2000 });
    await waitFor(() => runsOf(job.id).length > 0, 'the job to start');
    frozen = true;
    const queueVisibilityMs = testClasses.default.timeoutSeconds * 6 * 1000;
    const again = await waitFor(() => receive(600), 'the message back after the crash', queueVisibilityMs);
    expect(again.MessageId).toBe(first.MessageId);
    expect(Date.now() - receivedAt).toBeLessThan(queueVisibilityMs);
    // The frozen attempt still holds the record; its lease has run out, so this delivery may claim it.
    const record = await runtime.store.get(job.id);
    expect(record?.status).toBe('running');
    expect(record?.leaseUntil).toBeLessThan(Date.now());
  });
});
