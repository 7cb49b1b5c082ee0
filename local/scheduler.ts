/**
 * The local stand-in for EventBridge Scheduler: fires the schedule catalog's entries on
 * timers and sends each tick to its class's work queue, as the message Scheduler would send
 * (the same input template, filled in the same way), so a tick's job id, deduplication and
 * run look alike locally and on AWS.
 *
 * - cron and `at` schedules fire at the times `nextFireTimes` gives in the schedule's time
 *   zone (AWS's DST rules); `rate` schedules every interval after the scheduler started, like
 *   a Scheduler rate schedule created then without a StartDate.
 * - Disabled schedules never fire on their own; `fireNow` still sends one.
 * - Ticks missed by more than {@link CATCH_UP_MS} (the process was suspended) are skipped, as
 *   Scheduler drops an event past its maximum age; more recent missed ticks are sent at once.
 * - Sending is at-least-once on AWS too: the consumer runs a tick delivered twice once.
 *
 * @example
 * const scheduler = startLocalScheduler({ schedules, sqs, config, group: 'sqs-jobs' });
 * const { jobId } = await scheduler.fireNow('heartbeat'); // tick:sqs-jobs/heartbeat@2026-…Z
 * await scheduler.stop();
 */
import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import { decodeEnvelope } from '../shared/envelope.ts';
import { ConfigurationError, InvalidOptionError, SqsJobsError } from '../shared/errors.ts';
import { queueLocationFor, type PipelineConfig } from '../shared/pipeline-config.ts';
import { pipelineSettings } from '../shared/pipeline-settings.ts';
import type { Schedule } from '../shared/schedules/schedule-catalog.ts';
import { nextFireTimes } from '../shared/schedules/schedule-expression.ts';
import { fillTickTemplate, localScheduleArn, tickInputTemplate } from '../shared/schedules/tick-template.ts';

/** Longest single timer: Node's setTimeout overflows past 2^31 − 1 ms (~24.8 days). */
export const MAX_TIMER_MS = 2 ** 31 - 1;
/** Ticks older than this when the scheduler gets to them are skipped. */
export const CATCH_UP_MS = 5 * 60_000;

export interface LocalSchedulerOptions {
  /** The catalog (`defineSchedules`); disabled entries are only fired by `fireNow`. */
  readonly schedules: readonly Schedule[];
  readonly sqs: SQSClient;
  /** Where each class's work queue is. Every enabled schedule's class must be there. */
  readonly config: PipelineConfig;
  /** Schedule group in the ticks' schedule ARNs, and so in their job ids. @defaultValue pipelineSettings.namePrefix */
  readonly group?: string;
  /** Clock in epoch ms; tests may move it. Timers wait for the difference to it. @defaultValue Date.now */
  readonly now?: () => number;
  /** After each tick was sent. */
  readonly onFire?: (fire: ScheduleFire) => void;
  /** A timer-driven tick that could not be sent (it is not retried). @defaultValue console.error */
  readonly onError?: (error: unknown, tick: { readonly schedule: string; readonly scheduledTime: Date }) => void;
}

export interface TickSent {
  /** The tick's job id: `tick:<group>/<name>@<scheduled time>`. */
  readonly jobId: string;
  /** The scheduled time in the message (whole seconds). */
  readonly scheduledTime: Date;
}

export interface ScheduleFire extends TickSent {
  readonly schedule: string;
  /** True for `fireNow`, false for a timer. */
  readonly manual: boolean;
}

export interface LocalScheduler {
  readonly group: string;
  /** Clears every timer and waits for ticks being sent. */
  stop(): Promise<void>;
  /** Sends a tick for now (truncated to the second), whether or not the schedule is enabled. */
  fireNow(name: string): Promise<TickSent>;
  /** The next `count` times the scheduler will fire the schedule (none when disabled). */
  nextFireTimes(name: string, count: number): Date[];
}

/**
 * Sends one tick of `schedule` for `scheduledTime`: the schedule's input template filled in as
 * Scheduler fills it. Also what `sqs-jobs schedules run` sends.
 */
export async function sendTick(input: {
  readonly sqs: SQSClient;
  readonly queueUrl: string;
  readonly schedule: Pick<Schedule, 'name' | 'job' | 'payload' | 'overlap'>;
  readonly group: string;
  readonly scheduledTime: Date;
}): Promise<TickSent> {
  const body = fillTickTemplate(
    tickInputTemplate(input.schedule),
    localScheduleArn(input.group, input.schedule.name),
    input.scheduledTime,
  );
  // The id the consumer will derive, read back the way it reads it.
  const envelope = decodeEnvelope(body);
  await input.sqs.send(new SendMessageCommand({ QueueUrl: input.queueUrl, MessageBody: body }));
  return { jobId: envelope.id, scheduledTime: new Date(envelope.enqueuedAt) };
}

interface Armed {
  readonly schedule: Schedule;
  timer?: NodeJS.Timeout;
  /** The fire time the timer is for. */
  next?: Date;
}

export function startLocalScheduler(options: LocalSchedulerOptions): LocalScheduler {
  const { sqs, config } = options;
  const group = options.group ?? pipelineSettings.namePrefix;
  const now = options.now ?? Date.now;
  const onError =
    options.onError ??
    ((error: unknown, tick: { schedule: string; scheduledTime: Date }) =>
      console.error(`schedule ${tick.schedule} (${tick.scheduledTime.toISOString()}): tick not sent:`, error));
  // Rate schedules count from here, on a whole second like the ticks' scheduled times.
  const anchor = new Date(Math.floor(now() / 1000) * 1000);
  const byName = new Map(options.schedules.map((schedule) => [schedule.name, schedule]));
  const armed = new Map<string, Armed>();
  const sending = new Set<Promise<unknown>>();
  let stopped = false;

  function scheduleNamed(name: string): Schedule {
    const schedule = byName.get(name);
    if (!schedule) {
      throw new InvalidOptionError(`unknown schedule "${name}" (known: ${[...byName.keys()].join(', ') || 'none'})`);
    }
    return schedule;
  }

  /** The first fire time strictly after `after`. */
  function nextAfter(schedule: Schedule, after: Date): Date | undefined {
    const { expression, timezone } = schedule;
    return nextFireTimes(expression, { timezone, from: after, count: 1, anchor })[0];
  }

  function track<T>(promise: Promise<T>): Promise<T> {
    sending.add(promise);
    void promise.finally(() => sending.delete(promise)).catch(() => undefined);
    return promise;
  }

  async function fire(schedule: Schedule, scheduledTime: Date, manual: boolean): Promise<TickSent> {
    const sent = await sendTick({
      sqs,
      queueUrl: queueLocationFor(config, schedule.class).queueUrl,
      schedule,
      group,
      scheduledTime,
    });
    options.onFire?.({ schedule: schedule.name, manual, ...sent });
    return sent;
  }

  function arm(entry: Armed, at: Date | undefined): void {
    entry.next = at;
    if (!at || stopped) return;
    const wait = Math.min(Math.max(0, at.getTime() - now()), MAX_TIMER_MS);
    entry.timer = setTimeout(() => onTimer(entry), wait);
  }

  function onTimer(entry: Armed): void {
    entry.timer = undefined;
    const at = entry.next;
    if (stopped || !at) return;
    // A capped long wait, or a timer earlier than the clock: wait for the rest.
    if (now() < at.getTime()) return arm(entry, at);
    const { schedule } = entry;
    // Late by more than the catch-up window (a suspended process): skipped, with any others.
    const oldest = now() - CATCH_UP_MS;
    if (at.getTime() >= oldest) {
      track(fire(schedule, at, false)).catch((error: unknown) => onError(error, { schedule: schedule.name, scheduledTime: at }));
    }
    try {
      arm(entry, nextAfter(schedule, new Date(Math.max(at.getTime(), oldest))));
    } catch (error) {
      entry.next = undefined;
      onError(error, { schedule: schedule.name, scheduledTime: at });
    }
  }

  // Check everything before arming anything: every problem at once, and nothing half started.
  const problems: string[] = [];
  const firsts = new Map<string, Date | undefined>();
  for (const schedule of options.schedules) {
    if (!schedule.enabled) continue;
    try {
      queueLocationFor(config, schedule.class);
      firsts.set(schedule.name, nextAfter(schedule, new Date(now())));
    } catch (error) {
      problems.push(`schedule "${schedule.name}": ${error instanceof SqsJobsError ? error.message : `${schedule.expression}: ${String(error)}`}`);
    }
  }
  if (problems.length > 0) throw new ConfigurationError(`cannot start the local scheduler: ${problems.join('; ')}`);
  for (const [name, first] of firsts) {
    const entry: Armed = { schedule: scheduleNamed(name) };
    armed.set(name, entry);
    arm(entry, first);
  }

  return {
    group,

    async stop() {
      stopped = true;
      for (const entry of armed.values()) clearTimeout(entry.timer);
      await Promise.allSettled([...sending]);
    },

    async fireNow(name) {
      const schedule = scheduleNamed(name);
      if (stopped) throw new InvalidOptionError('the local scheduler is stopped');
      return track(fire(schedule, new Date(Math.floor(now() / 1000) * 1000), true));
    },

    nextFireTimes(name, count) {
      const schedule = scheduleNamed(name);
      const entry = armed.get(name);
      if (!schedule.enabled || !entry) return [];
      const times: Date[] = [];
      let next = entry.next;
      while (next && times.length < count) {
        times.push(next);
        next = nextAfter(schedule, next);
      }
      return times;
    },
  };
}
