/**
 * Time on the emulators: overlap `skip` for scheduled ticks, delays beyond the queue maximum
 * (shrunk to 2 s here so the test runs in seconds), run-at, and cancelling before a job runs.
 */
import { SendMessageCommand } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tickJobId } from '../../shared/envelope.ts';
import type { JobStatus } from '../../shared/lifecycle.ts';
import { fillTickTemplate, localScheduleArn, tickInputTemplate } from '../../shared/schedules/tick-template.ts';
import type { JobRecord } from '../../shared/status-store/job-record.ts';
import { createLastTickPointers } from '../../shared/status-store/last-tick-pointer.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { startTestRuntime, waitFor } from './harness.ts';
import { openGate, runsOf, testRegistry } from './test-jobs.ts';

const MAX_QUEUE_DELAY = 2;
let runtime: LocalRuntime<typeof testRegistry>;

beforeAll(async () => {
  runtime = await startTestRuntime(testRegistry, { maxQueueDelaySeconds: MAX_QUEUE_DELAY, dispatchIntervalMs: 200 });
});
afterAll(async () => {
  await runtime?.stop();
});

const settled = (id: string, status: JobStatus) =>
  waitFor(async () => {
    const job = await runtime.store.get(id);
    return job?.status === status ? job : undefined;
  }, `job ${id} to be ${status}`);

/** Sends what EventBridge Scheduler would for schedule `name` at `time`; returns the tick's job id. */
async function fireTick(name: string, gateName: string, time: Date): Promise<string> {
  const scheduleArn = localScheduleArn('it', name);
  const body = fillTickTemplate(tickInputTemplate({ job: 'test.gated', payload: { gate: gateName }, overlap: 'skip' }), scheduleArn, time);
  await runtime.clients.sqs.send(new SendMessageCommand({ QueueUrl: runtime.config.queues.default!.queueUrl, MessageBody: body }));
  return tickJobId({ schedule: scheduleArn, scheduledTime: time.toISOString() });
}

describe('scheduled ticks with overlap skip', () => {
  it('skips a tick while the previous run is unfinished, and runs the next one after it finished', async () => {
    const first = await fireTick('nightly', 'tick-1', new Date('2026-11-25T02:00:00Z'));
    await waitFor(() => runsOf(first).length === 1, 'the first tick to start');

    const second = await fireTick('nightly', 'tick-2', new Date('2026-11-26T02:00:00Z'));
    const skipped = await settled(second, 'cancelled');
    expect(skipped.lastError).toBe(`skipped: the previous run (${first}) of schedule it/nightly has not finished`);
    expect(runsOf(second)).toHaveLength(0);
    // The schedule's newest tick is the skipped one: what the dashboard's Schedules page shows.
    const pointers = createLastTickPointers({ documentClient: runtime.clients.dynamodb, tableName: runtime.config.tableName });
    expect((await pointers.read(['nightly'])).get('nightly')).toBe(second);

    openGate('tick-1');
    await settled(first, 'completed');
    openGate('tick-3');
    const third = await fireTick('nightly', 'tick-3', new Date('2026-11-27T02:00:00Z'));
    await settled(third, 'completed');
    expect(runsOf(third)).toHaveLength(1);
  });

  it('does not hold other schedules back', async () => {
    openGate('other');
    const other = await fireTick('hourly', 'other', new Date('2026-11-25T03:00:00Z'));
    await settled(other, 'completed');
  });
});

describe('delays beyond the queue maximum', () => {
  it('keeps the job scheduled in the table and runs it at its due time', async () => {
    const job = await runtime.jobs.enqueue('test.ok', { value: 1 }, { delay: MAX_QUEUE_DELAY + 2 });
    expect(job.status).toBe('scheduled');
    const stored = (await runtime.store.get(job.id)) as JobRecord;
    expect(stored).toMatchObject({ status: 'scheduled', pendingMessage: expect.any(String) });

    const done = await settled(job.id, 'completed');
    const [run] = runsOf(job.id);
    // Not before it is due: the dispatcher sends it early with DelaySeconds for the rest.
    expect(run!.at).toBeGreaterThanOrEqual(stored.dueAt! - 50);
    expect(done.pendingMessage).toBeUndefined();
    expect(runsOf(job.id)).toHaveLength(1);
  });

  it('runs a job at runAt', async () => {
    const runAt = new Date(Date.now() + (MAX_QUEUE_DELAY + 1) * 1000);
    const job = await runtime.jobs.enqueue('test.ok', { value: 2 }, { runAt });
    expect(job.status).toBe('scheduled');
    await settled(job.id, 'completed');
    expect(runsOf(job.id)[0]!.at).toBeGreaterThanOrEqual(runAt.getTime() - 50);
  });

  it('never runs a job cancelled before it is due', async () => {
    const scheduled = await runtime.jobs.enqueue('test.ok', { value: 3 }, { delay: MAX_QUEUE_DELAY + 1 });
    const queued = await runtime.jobs.enqueue('test.ok', { value: 4 }, { delay: 1 });
    expect(queued.status).toBe('queued'); // within the queue maximum: SQS holds it

    await runtime.jobs.cancel(scheduled.id);
    await runtime.jobs.cancel(queued.id);

    // A job enqueued after them and due later still runs: once it has, the others had their chance.
    const later = await runtime.jobs.enqueue('test.ok', { value: 5 }, { delay: MAX_QUEUE_DELAY + 2 });
    await settled(later.id, 'completed');
    expect(runsOf(scheduled.id)).toHaveLength(0);
    expect(runsOf(queued.id)).toHaveLength(0);
    expect(await runtime.store.get(scheduled.id)).toMatchObject({ status: 'cancelled', lastError: 'cancelled by request' });
    await expect(runtime.jobs.cancel(later.id)).rejects.toThrow(/is completed; only scheduled, queued or retrying jobs can be cancelled/);
  });
});
