/**
 * The local scheduler: ticks fired by hand and by timers run as jobs on the emulators, under
 * their deterministic ids, and a tick delivered twice runs once. Then its timer arithmetic
 * (rate anchoring, DST, long waits, suspended processes) against a stub queue and a fake clock.
 */
import type { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { ConfigurationError } from '../../shared/errors.ts';
import type { PipelineConfig } from '../../shared/pipeline-config.ts';
import { defineSchedules, type ScheduleEntry } from '../../shared/schedules/schedule-catalog.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import { CATCH_UP_MS, sendTick, startLocalScheduler, type ScheduleFire } from '../../local/scheduler.ts';
import { queueDepth, startTestRuntime, waitFor } from './harness.ts';
import { runsOf, testRegistry } from './test-jobs.ts';

const ok = (name: string, expression: string, extra: Partial<ScheduleEntry> = {}): ScheduleEntry => ({
  name,
  expression,
  job: 'test.ok',
  payload: { value: 21 },
  ...extra,
});

describe('local scheduler on the emulators', () => {
  let runtime: LocalRuntime<typeof testRegistry>;
  let prefix: string;

  beforeAll(async () => {
    runtime = await startTestRuntime(testRegistry, {
      schedules: defineSchedules(testRegistry, [
        // Next due in 2099: armed through the capped long timer, never fires during the test.
        ok('yearly', 'cron(0 3 1 1 ? 2099-2100)'),
        ok('paused', 'rate(1 minute)', { enabled: false }),
      ]),
    });
    prefix = runtime.config.tableName.replace(/-jobs$/, '');
  });
  afterAll(async () => {
    await runtime?.stop();
  });

  const completed = (id: string) =>
    waitFor(async () => {
      const job = await runtime.store.get(id);
      return job?.status === 'completed' ? job : undefined;
    }, `job ${id} to complete`);

  it('runs a tick fired now as a job whose id is the tick id', async () => {
    const scheduler = runtime.scheduler!;
    expect(scheduler.group).toBe(prefix);
    const before = Math.floor(Date.now() / 1000) * 1000;
    const { jobId, scheduledTime } = await scheduler.fireNow('yearly');

    expect(scheduledTime.getTime() % 1000).toBe(0);
    expect(scheduledTime.getTime()).toBeGreaterThanOrEqual(before);
    expect(jobId).toBe(`tick:${prefix}/yearly@${scheduledTime.toISOString()}`);
    const job = await completed(jobId);
    expect(job).toMatchObject({ id: jobId, name: 'test.ok', class: 'default', attempts: 1, result: { doubled: 42 } });
    expect(job.enqueuedAt).toBe(scheduledTime.toISOString().replace('.000Z', 'Z'));
    expect(runsOf(jobId)).toHaveLength(1);
  });

  it('fires a disabled schedule only by hand, and knows the next fire times', async () => {
    const scheduler = runtime.scheduler!;
    expect(scheduler.nextFireTimes('paused', 3)).toEqual([]);
    expect(scheduler.nextFireTimes('yearly', 3).map((d) => d.toISOString())).toEqual([
      '2099-01-01T03:00:00.000Z',
      '2100-01-01T03:00:00.000Z',
    ]);
    const { jobId } = await scheduler.fireNow('paused');
    await completed(jobId);
    await expect(scheduler.fireNow('nope')).rejects.toThrow('unknown schedule "nope" (known: yearly, paused)');
  });

  it('fires on its timer at the scheduled time (clock set 1.2 s before it), cron and at() alike', async () => {
    // Both due at 2027-06-01T13:30:00Z: 13:30 UTC, and 09:30 in New York (EDT, UTC−4).
    const due = Date.parse('2027-06-01T13:30:00Z');
    const offset = due - 1200 - Date.now();
    const now = () => Date.now() + offset;
    const fires: (ScheduleFire & { at: number })[] = [];
    const errors: unknown[] = [];
    const scheduler = startLocalScheduler({
      schedules: defineSchedules(testRegistry, [
        ok('daily', 'cron(30 13 * * ? *)'),
        ok('once', 'at(2027-06-01T09:30:00)', { timezone: 'America/New_York' }),
      ]),
      sqs: runtime.clients.sqs,
      config: runtime.config,
      group: 'it-clock',
      now,
      onFire: (fire) => fires.push({ ...fire, at: now() }),
      onError: (error) => errors.push(error),
    });
    try {
      await waitFor(() => fires.length === 2 || errors.length > 0, 'both schedules to fire', 5000);
      expect(errors).toEqual([]);
      for (const fire of fires) {
        expect(fire.manual).toBe(false);
        expect(fire.scheduledTime.toISOString()).toBe('2027-06-01T13:30:00.000Z');
        expect(fire.at).toBeGreaterThanOrEqual(due); // not before its time
        expect(fire.jobId).toBe(`tick:it-clock/${fire.schedule}@2027-06-01T13:30:00.000Z`);
        await completed(fire.jobId);
        expect(runsOf(fire.jobId)).toHaveLength(1);
      }
      // Re-armed for the next day; the one-time schedule is done.
      expect(scheduler.nextFireTimes('daily', 1).map((d) => d.toISOString())).toEqual(['2027-06-02T13:30:00.000Z']);
      expect(scheduler.nextFireTimes('once', 1)).toEqual([]);
    } finally {
      await scheduler.stop();
    }
  });

  const tick = (name: string, overlap: 'allow' | 'skip') => {
    const queueUrl = runtime.config.queues.default!.queueUrl;
    const schedule = { name, job: 'test.ok', payload: { value: 1 }, overlap };
    const scheduledTime = new Date('2027-02-03T04:05:06Z');
    return { queueUrl, send: () => sendTick({ sqs: runtime.clients.sqs, queueUrl, schedule, group: 'it-dup', scheduledTime }) };
  };
  const drained = (queueUrl: string) =>
    waitFor(async () => (await queueDepth(runtime.clients.sqs, queueUrl)) === 0, 'the queue to drain', 20_000);

  it.each(['allow', 'skip'] as const)('runs a tick sent again after it ran once (overlap %s)', async (overlap) => {
    const { queueUrl, send } = tick(`again-${overlap}`, overlap);
    const first = await send();
    await completed(first.jobId);
    const second = await send(); // Scheduler's retry of a send that did arrive, say
    expect(second.jobId).toBe(first.jobId);
    await drained(queueUrl);
    expect(runsOf(first.jobId)).toHaveLength(1);
    expect(await runtime.store.get(first.jobId)).toMatchObject({ status: 'completed', attempts: 1 });
  });

  it('runs a tick sent twice at once once (overlap skip: the copy is not taken for an overlap)', async () => {
    const { queueUrl, send } = tick('at-once', 'skip');
    const [first, second] = await Promise.all([send(), send()]);
    expect(second!.jobId).toBe(first!.jobId);
    await completed(first!.jobId);
    // The copy that met the running job waits out its lease (a few seconds), then is dropped.
    await drained(queueUrl);
    expect(runsOf(first!.jobId)).toHaveLength(1);
    expect(await runtime.store.get(first!.jobId)).toMatchObject({ status: 'completed', attempts: 1 });
  });
});

describe('local scheduler timers (stub queue, fake clock)', () => {
  const config: PipelineConfig = {
    tableName: 'unit-jobs',
    queues: { default: { queueUrl: 'http://queue.invalid/default', dlqUrl: 'http://queue.invalid/default-dlq' } },
  };

  /** A queue that records the scheduled time of each tick sent to it. */
  function stubQueue() {
    const sent: string[] = [];
    const sqs = {
      async send(command: SendMessageCommand) {
        sent.push(JSON.parse(command.input.MessageBody!).tick.scheduledTime);
        return {};
      },
    } as unknown as SQSClient;
    return { sqs, sent };
  }

  function start(entries: ScheduleEntry[], options: { now?: () => number } = {}) {
    const queue = stubQueue();
    const errors: unknown[] = [];
    const scheduler = startLocalScheduler({
      schedules: defineSchedules(testRegistry, entries),
      sqs: queue.sqs,
      config,
      group: 'unit',
      ...options,
      onError: (error) => errors.push(error),
    });
    return { scheduler, sent: queue.sent, errors };
  }

  afterEach(() => {
    vi.useRealTimers();
  });

  it('fires a rate schedule every interval after it started, on whole seconds', async () => {
    vi.useFakeTimers({ now: new Date('2027-01-01T10:00:00.400Z') });
    const { scheduler, sent } = start([ok('every5', 'rate(5 minutes)')]);
    await vi.advanceTimersByTimeAsync(4 * 60_000);
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(11 * 60_000);
    expect(sent).toEqual(['2027-01-01T10:05:00Z', '2027-01-01T10:10:00Z', '2027-01-01T10:15:00Z']);
    await scheduler.stop();
  });

  it('runs the hour that the Berlin fall-back repeats once, firing one time after another', async () => {
    vi.useFakeTimers({ now: new Date('2027-10-30T23:30:00Z') });
    const { scheduler, sent } = start([
      ok('hourly', 'cron(0 * * * ? *)', { timezone: 'Europe/Berlin' }),
      ok('half-hourly', 'cron(0/30 * * * ? *)', { timezone: 'Europe/Berlin' }),
    ]);
    await vi.advanceTimersByTimeAsync(3 * 3_600_000 + 10 * 60_000); // to 02:40Z
    await scheduler.stop();
    // 00:00Z = 02:00 CEST, 00:30Z = 02:30 CEST; 01:00Z and 01:30Z repeat them (CET): not fired.
    expect([...sent].sort()).toEqual(
      [
        '2027-10-31T00:00:00Z', '2027-10-31T00:00:00Z', // both schedules at 02:00 CEST
        '2027-10-31T00:30:00Z',
        '2027-10-31T02:00:00Z', '2027-10-31T02:00:00Z', // 03:00 CET
        '2027-10-31T02:30:00Z',
      ].sort(),
    );
  });

  it('skips the time the Berlin spring-forward removes', async () => {
    vi.useFakeTimers({ now: new Date('2027-03-27T12:00:00Z') });
    const { scheduler, sent } = start([ok('night', 'cron(30 2 * * ? *)', { timezone: 'Europe/Berlin' })]);
    await vi.advanceTimersByTimeAsync(2 * 86_400_000);
    await scheduler.stop();
    // 28 March has no 02:30; 29 March 02:30 CEST = 00:30Z.
    expect(sent).toEqual(['2027-03-29T00:30:00Z']);
  });

  it('waits past the longest Node timer without firing early', async () => {
    vi.useFakeTimers({ now: new Date('2027-01-01T00:00:00Z') });
    const { scheduler, sent } = start([ok('far', 'at(2027-03-01T00:00:00)')]); // 59 days ahead
    expect(scheduler.nextFireTimes('far', 1).map((d) => d.toISOString())).toEqual(['2027-03-01T00:00:00.000Z']);
    await vi.advanceTimersByTimeAsync(58 * 86_400_000);
    expect(sent).toEqual([]);
    await vi.advanceTimersByTimeAsync(86_400_000);
    expect(sent).toEqual(['2027-03-01T00:00:00Z']);
    expect(scheduler.nextFireTimes('far', 1)).toEqual([]);
    await scheduler.stop();
  });

  it('after a suspension skips ticks older than the catch-up window and sends the recent ones', async () => {
    vi.useFakeTimers({ now: new Date('2027-01-01T10:00:00Z') });
    let jump = 0; // the wall clock moves on while the process (and its timers) sleep
    const { scheduler, sent } = start([ok('minutely', 'rate(1 minute)')], { now: () => Date.now() + jump });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sent).toEqual(['2027-01-01T10:01:00Z']);

    jump = 2 * 3_600_000; // woke up two hours later
    await vi.advanceTimersByTimeAsync(60_000 + 1000); // the timer due at 10:02, then the catch-up at once
    const woke = Date.parse('2027-01-01T12:02:00Z');
    const late = sent.slice(1).map((time) => Date.parse(time));
    expect(late.length).toBe(CATCH_UP_MS / 60_000); // 11:58 … 12:02
    expect(late.every((time) => time >= woke - CATCH_UP_MS && time <= woke)).toBe(true);
    await scheduler.stop();
  });

  it('stops: no timer fires afterwards', async () => {
    vi.useFakeTimers({ now: new Date('2027-01-01T10:00:00Z') });
    const { scheduler, sent } = start([ok('minutely', 'rate(1 minute)')]);
    await scheduler.stop();
    await vi.advanceTimersByTimeAsync(10 * 60_000);
    expect(sent).toEqual([]);
    expect(vi.getTimerCount()).toBe(0);
    await expect(scheduler.fireNow('minutely')).rejects.toThrow('stopped');
  });

  it('refuses to start, naming every schedule whose class has no queue', () => {
    const schedules = defineSchedules(testRegistry, [
      ok('a', 'rate(1 hour)', { class: 'reports' }),
      ok('b', 'rate(1 hour)', { class: 'low-priority' }),
      ok('c', 'rate(1 hour)', { class: 'reports', enabled: false }), // disabled: not checked
    ]);
    const attempt = () => startLocalScheduler({ schedules, sqs: stubQueue().sqs, config });
    expect(attempt).toThrow(ConfigurationError);
    expect(attempt).toThrow(
      'cannot start the local scheduler: schedule "a": no queue configured for priority class "reports" (known: default); ' +
        'schedule "b": no queue configured for priority class "low-priority" (known: default)',
    );
  });
});
