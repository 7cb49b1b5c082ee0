/**
 * The message a schedule sends, as an EventBridge Scheduler input template. Scheduler replaces
 * the `<aws.scheduler.…>` placeholders when it fires; the local runtime fills the same
 * template in, so a tick looks alike in both places.
 *
 * @example
 * const input = tickInputTemplate(schedule); // the CDK target's `input`
 * const body = fillTickTemplate(input, 'arn:aws:scheduler:local:000000000000:schedule/sqs-jobs/nightly', new Date());
 */
import type { Schedule } from './schedule-catalog.ts';

export const SCHEDULE_ARN_PLACEHOLDER = '<aws.scheduler.schedule-arn>';
export const SCHEDULED_TIME_PLACEHOLDER = '<aws.scheduler.scheduled-time>';

export function tickInputTemplate(schedule: Pick<Schedule, 'job' | 'payload' | 'overlap'>): string {
  return JSON.stringify({
    v: 1,
    job: schedule.job,
    gen: 1,
    payload: schedule.payload,
    tick: { schedule: SCHEDULE_ARN_PLACEHOLDER, scheduledTime: SCHEDULED_TIME_PLACEHOLDER, overlap: schedule.overlap },
  });
}

/** What Scheduler does to the template when it fires: whole-second UTC time, like AWS's. */
export function fillTickTemplate(template: string, scheduleArn: string, scheduledTime: Date): string {
  const time = new Date(Math.floor(scheduledTime.getTime() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
  return template.replaceAll(SCHEDULE_ARN_PLACEHOLDER, scheduleArn).replaceAll(SCHEDULED_TIME_PLACEHOLDER, time);
}

/** The ARN a local schedule goes by, shaped like AWS's so ids derive the same way. */
export function localScheduleArn(group: string, name: string): string {
  return `arn:aws:scheduler:local:000000000000:schedule/${group}/${name}`;
}
