/**
 * A redriven job is an ordinary job from then on: its next generation retries with backoff,
 * completes, or fails again into the DLQ. It never waits in `retrying` with no message left.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAdmin } from '../../shared/admin/admin.ts';
import { deadLetterAttributeNames } from '../../shared/dead-letter.ts';
import { decodeEnvelope } from '../../shared/envelope.ts';
import type { JobStatus } from '../../shared/lifecycle.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { attribute, queueDepth, receiveAll, startTestRuntime, waitFor } from './harness.ts';
import { runsOf, testRegistry } from './test-jobs.ts';

let runtime: LocalRuntime<typeof testRegistry>;
let admin: ReturnType<typeof createAdmin>;
const dlqUrl = () => runtime.config.queues.default!.dlqUrl;

beforeAll(async () => {
  runtime = await startTestRuntime(testRegistry);
  admin = createAdmin({ registry: testRegistry, config: runtime.config, clients: runtime.clients });
});
afterAll(async () => {
  await runtime?.stop();
});

const settled = (id: string, status: JobStatus, gen: number) =>
  waitFor(async () => {
    const job = await runtime.store.get(id);
    return job?.status === status && job.gen === gen ? job : undefined;
  }, `job ${id} to be ${status} at generation ${gen}`);

/** Fails a job for good, waits for its DLQ copy, and redrives the class's DLQ. */
async function failAndRedrive(id: string): Promise<void> {
  await settled(id, 'failed', 1);
  await waitFor(async () => (await queueDepth(runtime.clients.sqs, dlqUrl())) > 0, 'the DLQ copy');
  const [result] = await admin.redrive({ class: 'default' });
  expect(result).toMatchObject({ method: 'copy', moved: 1 });
}

describe('redriving a failed job', () => {
  it('retries the redriven generation with backoff until it completes', async () => {
    // Attempts 1–3 fail (generation 1); after the redrive, one more failure, then success.
    const job = await runtime.jobs.enqueue('test.fails-until', { succeedOnRun: 5 });
    await failAndRedrive(job.id);

    const done = await settled(job.id, 'completed', 2);

    expect(done.attempts).toBe(2);
    expect(done.errors?.at(-1)).toMatchObject({ attempt: 1, message: 'Error: planned failure on run 4' });
    expect(runsOf(job.id).map((run) => run.attempt)).toEqual([1, 2, 3, 1, 2]);
    expect(await queueDepth(runtime.clients.sqs, dlqUrl())).toBe(0);
  });

  it('fails the redriven generation again, with a new DLQ copy, when it keeps failing', async () => {
    const job = await runtime.jobs.enqueue('test.always-fails', {});
    await failAndRedrive(job.id);

    const failedAgain = await settled(job.id, 'failed', 2);

    expect(failedAgain.attempts).toBe(2);
    expect(runsOf(job.id).map((run) => run.attempt)).toEqual([1, 2, 1, 2]);
    const [copy] = await receiveAll(runtime.clients.sqs, dlqUrl(), 1);
    expect(attribute(copy!, deadLetterAttributeNames.jobId)).toBe(job.id);
    expect(attribute(copy!, deadLetterAttributeNames.reason)).toMatch(/attempts exhausted|2\/2/);
    expect(decodeEnvelope(copy!.Body!)).toMatchObject({ id: job.id, gen: 2, deadLettered: true });
  });
});
