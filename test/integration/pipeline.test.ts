/**
 * The whole loop: SDK → SQS → event-source poller → consumer → DynamoDB → DLQ, on the embedded
 * emulators (or the endpoint in AWS_ENDPOINT_URL).
 */
import { SendMessageBatchCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { deadLetterAttributeNames } from '../../shared/dead-letter.ts';
import { encodeEnvelope } from '../../shared/envelope.ts';
import type { JobStatus } from '../../shared/lifecycle.ts';
import { failedPayloadOf, type JobRecord } from '../../shared/status-store/job-record.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { attribute, queueDepth, receiveAll, startTestRuntime, waitFor } from './harness.ts';
import { failedHookCalls, runsOf, testRegistry } from './test-jobs.ts';

let runtime: LocalRuntime<typeof testRegistry>;

beforeAll(async () => {
  runtime = await startTestRuntime(testRegistry);
});
afterAll(async () => {
  await runtime?.stop();
});

async function settled(id: string, status: JobStatus): Promise<JobRecord> {
  return waitFor(async () => {
    const job = await runtime.store.get(id);
    return job?.status === status ? job : undefined;
  }, `job ${id} to be ${status}`);
}

const dlqUrl = () => runtime.config.queues.default!.dlqUrl;

describe('pipeline', () => {
  it('runs a job once and records its result', async () => {
    const job = await runtime.jobs.enqueue('test.ok', { value: 21 });
    expect(job).toMatchObject({ status: 'queued', duplicate: false, class: 'default' });

    const done = await settled(job.id, 'completed');
    expect(done).toMatchObject({ attempts: 1, maxAttempts: 3, result: { doubled: 42 } });
    expect(done.finishedAt).toBeDefined();
    expect(runsOf(job.id)).toHaveLength(1);
  });

  it('retries with the backoff policy, counting attempts in the job record', async () => {
    const job = await runtime.jobs.enqueue('test.flaky', { failures: 2 });

    const done = await settled(job.id, 'completed');
    expect(done.attempts).toBe(3);
    expect(done.errors?.map((e) => [e.attempt, e.message])).toEqual([
      [1, 'Error: planned failure 1'],
      [2, 'Error: planned failure 2'],
    ]);
    const [first, second, third] = runsOf(job.id);
    // The visibility timeout holds each retry back for the policy's delay (1 s, then 2 s) and
    // not for the queue's 24 s default visibility.
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(1000 - 100);
    expect(third!.at - second!.at).toBeGreaterThanOrEqual(2000 - 100);
    expect(third!.at - first!.at).toBeLessThan(24_000);
  });

  it('fails a job whose attempts are exhausted and moves it to the DLQ with the reason', async () => {
    const job = await runtime.jobs.enqueue('test.always-fails', {});

    const failed = await settled(job.id, 'failed');
    expect(failed.attempts).toBe(2);
    expect(failed.lastError).toBe('attempts exhausted (2/2): Error: always fails');
    expect(failedPayloadOf(failed)).toEqual({});
    // Kept until an operator acts on it; the newest error keeps its stack.
    expect(failed.expiresAt).toBeUndefined();
    expect(failed.errors?.at(-1)?.stack).toMatch(/^Error: always fails\n\s+at /);
    expect(failed.errors?.at(0)?.stack).toBeUndefined();
    expect(runsOf(job.id)).toHaveLength(2);
    expect(failedHookCalls).toContainEqual({ jobId: job.id, message: 'always fails' });

    const dead = await receiveAll(runtime.clients.sqs, dlqUrl(), 1).then((all) =>
      all.filter((m) => attribute(m, deadLetterAttributeNames.jobId) === job.id),
    );
    expect(dead).toHaveLength(1);
    expect(attribute(dead[0]!, deadLetterAttributeNames.reason)).toBe(failed.lastError);
    expect(attribute(dead[0]!, deadLetterAttributeNames.attempts)).toBe('2');
  });

  it('sends a non-retryable failure to the DLQ after one attempt', async () => {
    const job = await runtime.jobs.enqueue('test.non-retryable', {});

    const failed = await settled(job.id, 'failed');
    expect(failed.attempts).toBe(1);
    expect(failed.lastError).toMatch(/^non-retryable error on attempt 1: NonRetryableError: customer does not exist/);
    expect(runsOf(job.id)).toHaveLength(1);
  });

  it('counts a hanging handler as a timed-out attempt', async () => {
    const job = await runtime.jobs.enqueue('test.hang', {});

    const failed = await settled(job.id, 'failed');
    expect(failed.attempts).toBe(2);
    expect(failed.errors?.map((e) => e.message)).toEqual([
      'JobTimeoutError: job timed out after 1s',
      'JobTimeoutError: job timed out after 1s',
    ]);
  });

  it('moves poison messages to the DLQ with a reason while their batch-mates complete', async () => {
    const good = await Promise.all([1, 2, 3].map((value) => runtime.jobs.enqueue('test.ok', { value })));
    const badPayloadId = 'poison-payload-1';
    const queueUrl = runtime.config.queues.default!.queueUrl;
    await runtime.clients.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: [
          { Id: 'garbage', MessageBody: 'this is not json' },
          {
            Id: 'bad-payload',
            MessageBody: encodeEnvelope({
              v: 1,
              id: badPayloadId,
              job: 'test.ok',
              gen: 1,
              enqueuedAt: new Date().toISOString(),
              payload: { value: 'not a number' },
            }),
          },
          {
            Id: 'unknown-job',
            MessageBody: encodeEnvelope({
              v: 1,
              id: 'poison-unknown-1',
              job: 'test.nope',
              gen: 1,
              enqueuedAt: new Date().toISOString(),
              payload: {},
            }),
          },
        ],
      }),
    );

    for (const job of good) await settled(job.id, 'completed');
    const invalid = await settled(badPayloadId, 'failed');
    expect(invalid.lastError).toMatch(/^invalid payload for job "test.ok": value: /);
    expect(failedPayloadOf(invalid)).toEqual({ value: 'not a number' });
    const unknown = await settled('poison-unknown-1', 'failed');
    expect(unknown.lastError).toBe('unknown job "test.nope": no job definition with that name is registered');

    const reasons = await waitFor(async () => {
      const all = await receiveAll(runtime.clients.sqs, dlqUrl(), 1);
      const found = all.map((m) => attribute(m, deadLetterAttributeNames.reason) ?? '');
      return found.some((r) => r.startsWith('poison message')) ? found : undefined;
    }, 'poison message in the DLQ');
    expect(reasons.find((r) => r.startsWith('poison message'))).toMatch(/message body is not JSON/);
  });

  it('releases a job without counting a failed attempt', async () => {
    const job = await runtime.jobs.enqueue('test.release', {});

    const done = await settled(job.id, 'completed');
    // attempts: 1 allows a single attempt; the release must not have used it up.
    expect(done.attempts).toBe(1);
    expect(runsOf(job.id)).toHaveLength(2);
  });

  it('fails a job that keeps releasing once it passes maxReleases, with that reason and a DLQ copy', async () => {
    const job = await runtime.jobs.enqueue('test.always-release', {});

    const failed = await settled(job.id, 'failed');
    expect(failed.releases).toBe(3);
    expect(failed.lastError).toBe('released 4 times, more than maxReleases (3) allows');
    expect(runsOf(job.id)).toHaveLength(4);
    const seen: string[] = [];
    const copy = await waitFor(async () => {
      const letters = await receiveAll(runtime.clients.sqs, dlqUrl(), 1);
      seen.push(...letters.map((m) => attribute(m, deadLetterAttributeNames.jobId) ?? '-'));
      return letters.find((m) => attribute(m, deadLetterAttributeNames.jobId) === job.id);
    }, `the DLQ copy of ${job.id}`);
    expect(attribute(copy, deadLetterAttributeNames.reason)).toBe(failed.lastError);
  });

  it('enqueues many jobs in batches with a result per entry', async () => {
    const entries = Array.from({ length: 23 }, (_, value) => ({ job: 'test.ok' as const, payload: { value } }));
    const results = await runtime.jobs.enqueueMany([
      ...entries,
      { job: 'test.ok', payload: { value: 'x' as unknown as number } },
    ]);

    expect(results.slice(0, 23).every((r) => r.ok)).toBe(true);
    const rejected = results[23]!;
    expect(rejected.ok).toBe(false);
    if (!rejected.ok) expect(rejected.error.name).toBe('PayloadValidationError');
    for (const result of results.slice(0, 23)) {
      if (result.ok) await settled(result.job.id, 'completed');
    }
  });

  it('leaves the work queues empty once everything settled', async () => {
    await waitFor(async () => (await queueDepth(runtime.clients.sqs, runtime.config.queues.default!.queueUrl)) === 0, 'an empty default queue');
  });
});
