/**
 * At-least-once on the producer side: DynamoDB writes the record but its answer is lost, so the
 * SDK sends the PutItem again and the conditional write finds the record. The job is this
 * call's own: it must be sent, not reported as a duplicate and left without a message.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { awsClientsFor, type EmulatorEndpoints } from '../../local/emulators.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { toDocumentClient } from '../../shared/aws-clients.ts';
import { createJobClient } from '../../shared/sdk/job-client.ts';
import { queueDepth, startTestRuntime } from './harness.ts';
import { testRegistry } from './test-jobs.ts';

let runtime: LocalRuntime<typeof testRegistry>;
let raw: ReturnType<typeof awsClientsFor>;
beforeAll(async () => {
  runtime = await startTestRuntime(testRegistry, { consume: false });
  raw = awsClientsFor(runtime.endpoints as EmulatorEndpoints);
});
afterAll(async () => {
  raw?.destroy();
  await runtime?.stop();
});

describe('enqueue when the PutItem answer is lost', () => {
  it('sends the job once: the record found on the retry is its own', async () => {
    let lost = 0;
    raw.dynamodb.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === 'PutItemCommand' && lost === 0) {
          lost++;
          // Written, but the caller never hears so: the SDK retries the same PutItem.
          throw Object.assign(new Error('connection reset after the write'), {
            name: 'InternalServerError',
            $retryable: {},
            $metadata: { httpStatusCode: 500 },
          });
        }
        return result;
      },
      { step: 'deserialize', name: 'loseFirstPutAnswer' },
    );
    const jobs = createJobClient({
      registry: testRegistry,
      config: runtime.config,
      clients: { sqs: raw.sqs, dynamodb: toDocumentClient(raw.dynamodb) },
    });
    const before = await queueDepth(runtime.clients.sqs, runtime.config.queues.default!.queueUrl);

    // A keyed job: its enqueue writes the record first (a plain one writes nothing).
    const job = await jobs.enqueue('test.ok', { value: 1 }, { idempotencyKey: 'lost-put-answer' });

    expect(lost).toBe(1);
    expect(job).toMatchObject({ status: 'queued', duplicate: false });
    expect(await queueDepth(runtime.clients.sqs, runtime.config.queues.default!.queueUrl)).toBe(before + 1);
  });
});
