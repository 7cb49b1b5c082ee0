import { describe, expect, it } from 'vitest';
import { decodeEnvelope, tickJobId } from '../../shared/envelope.ts';
import {
  SCHEDULE_ARN_PLACEHOLDER,
  SCHEDULED_TIME_PLACEHOLDER,
  fillTickTemplate,
  localScheduleArn,
  tickInputTemplate,
} from '../../shared/schedules/tick-template.ts';

const schedule = { job: 'report.generate', payload: { reportId: 'nightly-sales', rows: 1000 }, overlap: 'skip' as const };
const arn = localScheduleArn('sqs-jobs', 'nightly-sales-report');
const template = tickInputTemplate(schedule);
const fill = (time: string, scheduleArn = arn) => fillTickTemplate(template, scheduleArn, new Date(time));

describe('tick input template', () => {
  it('holds both Scheduler placeholders and no execution id or attempt number', () => {
    expect(template).toContain(SCHEDULE_ARN_PLACEHOLDER);
    expect(template).toContain(SCHEDULED_TIME_PLACEHOLDER);
    expect(template).toContain('<aws.scheduler.schedule-arn>');
    expect(template).toContain('<aws.scheduler.scheduled-time>');
    // The execution id changes on every retry of the same tick: it must not reach the job id.
    expect(template).not.toContain('execution-id');
    expect(template).not.toContain('attempt-number');
    // No id of its own: the consumer derives it from schedule and time.
    expect(JSON.parse(template)).not.toHaveProperty('id');
  });

  it('is a JSON envelope with the placeholders as strings', () => {
    expect(JSON.parse(template)).toEqual({
      v: 1,
      job: 'report.generate',
      gen: 1,
      payload: schedule.payload,
      tick: { schedule: SCHEDULE_ARN_PLACEHOLDER, scheduledTime: SCHEDULED_TIME_PLACEHOLDER, overlap: 'skip' },
    });
  });

  it('filled in, decodes to the deterministic job id, with the scheduled time as enqueue time', () => {
    const body = fill('2027-01-01T01:00:00Z');
    expect(body).not.toContain('<aws.scheduler.');
    const envelope = decodeEnvelope(body);
    expect(envelope.id).toBe('tick:sqs-jobs/nightly-sales-report@2027-01-01T01:00:00.000Z');
    expect(envelope.id).toBe(tickJobId({ schedule: arn, scheduledTime: '2027-01-01T01:00:00Z' }));
    expect(envelope).toMatchObject({
      job: 'report.generate',
      gen: 1,
      enqueuedAt: '2027-01-01T01:00:00Z',
      payload: schedule.payload,
      tick: { schedule: arn, scheduledTime: '2027-01-01T01:00:00Z', overlap: 'skip' },
    });
  });

  it('fills in whole-second UTC time, as Scheduler does', () => {
    expect(JSON.parse(fill('2027-01-01T01:00:00.789Z')).tick.scheduledTime).toBe('2027-01-01T01:00:00Z');
    expect(JSON.parse(fill('2027-01-01T02:00:00+01:00')).tick.scheduledTime).toBe('2027-01-01T01:00:00Z');
  });

  it('gives the same schedule and time the same id: a tick sent twice is one job', () => {
    const first = fill('2027-01-01T01:00:00Z');
    const again = fill('2027-01-01T01:00:00.500Z'); // same second
    expect(again).toBe(first);
    expect(decodeEnvelope(again).id).toBe(decodeEnvelope(first).id);
  });

  it('gives another time, schedule or group another id', () => {
    const ids = new Set([
      decodeEnvelope(fill('2027-01-01T01:00:00Z')).id,
      decodeEnvelope(fill('2027-01-01T01:00:01Z')).id,
      decodeEnvelope(fill('2027-01-02T01:00:00Z')).id,
      decodeEnvelope(fill('2027-01-01T01:00:00Z', localScheduleArn('sqs-jobs', 'heartbeat'))).id,
      decodeEnvelope(fill('2027-01-01T01:00:00Z', localScheduleArn('sqs-jobs-prod', 'nightly-sales-report'))).id,
    ]);
    expect(ids.size).toBe(5);
  });

  it('derives the same id from an AWS schedule ARN as from the local one', () => {
    const aws = 'arn:aws:scheduler:eu-west-1:123456789012:schedule/sqs-jobs/nightly-sales-report';
    expect(decodeEnvelope(fill('2027-01-01T01:00:00Z', aws)).id).toBe(decodeEnvelope(fill('2027-01-01T01:00:00Z')).id);
  });

  it('keeps overlap allow when the schedule allows overlap', () => {
    const body = fillTickTemplate(tickInputTemplate({ ...schedule, overlap: 'allow' }), arn, new Date('2027-01-01T01:00:00Z'));
    expect(decodeEnvelope(body).tick?.overlap).toBe('allow');
  });
});
