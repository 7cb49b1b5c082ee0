import { describe, expect, it } from 'vitest';
import { ConfigurationError } from '../../shared/errors.ts';
import { jobRegistry, schedules as appSchedules } from '../../examples/demo/src/jobs.ts';
import { defineSchedules, type ScheduleEntry } from '../../shared/schedules/schedule-catalog.ts';

const heartbeat: ScheduleEntry = { name: 'heartbeat', expression: 'rate(5 minutes)', job: 'demo.sleep', payload: { ms: 10 } };

describe('defineSchedules', () => {
  it('fills in the defaults: UTC, the job\'s class, overlap allow, enabled', () => {
    expect(defineSchedules(jobRegistry, [heartbeat])).toEqual([
      {
        name: 'heartbeat',
        expression: 'rate(5 minutes)',
        timezone: 'UTC',
        job: 'demo.sleep',
        payload: { ms: 10 },
        class: 'high-priority',
        overlap: 'allow',
        enabled: true,
      },
    ]);
  });

  it('keeps what an entry sets', () => {
    const [schedule] = defineSchedules(jobRegistry, [
      {
        ...heartbeat,
        timezone: 'Europe/Berlin',
        class: 'low-priority',
        overlap: 'skip',
        enabled: false,
        description: 'quiet',
      },
    ]);
    expect(schedule).toMatchObject({ timezone: 'Europe/Berlin', class: 'low-priority', overlap: 'skip', enabled: false, description: 'quiet' });
  });

  it('reports every problem at once', () => {
    const entries: ScheduleEntry[] = [
      { name: 'no-such-job', expression: 'rate(1 hour)', job: 'report.nope', payload: {} },
      { name: 'bad-payload', expression: 'rate(1 hour)', job: 'demo.sleep', payload: { ms: 'ten' } },
      { name: 'bad-zone', expression: 'rate(1 hour)', timezone: 'Europe/Atlantis', job: 'demo.sleep', payload: { ms: 1 } },
      { name: 'bad-expression', expression: 'cron(0 12 * * 1)', job: 'demo.sleep', payload: { ms: 1 } },
      { name: 'twice', expression: 'rate(1 hour)', job: 'demo.sleep', payload: { ms: 1 } },
      { name: 'twice', expression: 'rate(2 hours)', job: 'demo.sleep', payload: { ms: 1 } },
      { name: 'bad name!', expression: 'rate(1 hour)', job: 'demo.sleep', payload: { ms: 1 } },
      { name: 'bad-class', expression: 'rate(1 hour)', job: 'demo.sleep', payload: { ms: 1 }, class: 'urgent' as never },
    ];
    let error: unknown;
    try {
      defineSchedules(jobRegistry, entries);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(ConfigurationError);
    const problems = (error as Error).message.replace(/^invalid schedules: /, '').split('; ');
    expect(problems).toEqual([
      'schedule "no-such-job": job "report.nope" is not registered',
      expect.stringMatching(/^schedule "bad-payload": payload invalid at ms: /),
      'schedule "bad-zone": unknown time zone "Europe/Atlantis"',
      'schedule "bad-expression": cron(0 12 * * 1): cron needs 6 fields (minutes hours day-of-month month day-of-week year), got 5',
      'schedule "twice": defined twice',
      'schedule "bad name!": name must be 1–64 letters, digits, "-", "_" or "."',
      'schedule "bad-class": class "urgent" is not in the catalog',
    ]);
  });

  it('accepts the app\'s own catalog', () => {
    expect(appSchedules.map((s) => s.name)).toEqual(['nightly-sales-report', 'heartbeat']);
    expect(appSchedules.every((s) => jobRegistry.get(s.job) !== undefined)).toBe(true);
  });
});
