/**
 * `schedules` and `schedules run` through the built CLI: the app's catalog with its next fire
 * times, and a tick fired by hand that runs as a job in the local runtime.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DemoJobRegistry } from '../../examples/demo/src/jobs.ts';
import type { LocalRuntime } from '../../local/runtime.ts';
import type { ScheduleListing, TickRun } from '../../cli/commands/schedule-commands.ts';
import { waitFor } from '../integration/harness.ts';
import { runCli, runCliJson, startCliRuntime } from './cli-harness.ts';

let runtime: LocalRuntime<DemoJobRegistry>;
let env: Record<string, string>;
let prefix: string;

beforeAll(async () => {
  runtime = await startCliRuntime();
  env = runtime.environment;
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

const berlinWallTime = new Intl.DateTimeFormat('en-GB', { timeZone: 'Europe/Berlin', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' });

describe('sqs-jobs schedules', () => {
  it('lists the app catalog with three increasing future fire times each, without a pipeline', async () => {
    const before = Date.now();
    const listing = await runCliJson<ScheduleListing[]>(['schedules'], {}); // no AWS, no environment needed
    expect(listing.map((s) => s.name)).toEqual(['nightly-sales-report', 'heartbeat']);
    for (const schedule of listing) {
      expect(schedule.enabled).toBe(true);
      expect(schedule.next).toHaveLength(3);
      const times = schedule.next.map((t) => Date.parse(t));
      expect(times[0]).toBeGreaterThan(before - 1000);
      expect(times[1]).toBeGreaterThan(times[0]!);
      expect(times[2]).toBeGreaterThan(times[1]!);
    }
    const [nightly, heartbeat] = listing;
    expect(nightly).toMatchObject({
      expression: 'cron(0 2 * * ? *)',
      timezone: 'Europe/Berlin',
      job: 'report.generate',
      class: 'reports',
      overlap: 'skip',
    });
    // 02:00 in Berlin, a day apart in wall time.
    expect(nightly!.next.map((t) => berlinWallTime.format(new Date(t)))).toEqual(['02:00', '02:00', '02:00']);
    expect(heartbeat).toMatchObject({ expression: 'rate(5 minutes)', timezone: 'UTC', job: 'demo.sleep', class: 'high-priority' });
    const beats = heartbeat!.next.map((t) => Date.parse(t));
    expect([beats[1]! - beats[0]!, beats[2]! - beats[1]!]).toEqual([300_000, 300_000]);
  });

  it('prints the catalog as a table', async () => {
    const run = await runCli(['schedules'], {});
    expect(run.code).toBe(0);
    const lines = run.stdout.split('\n');
    expect(lines[0]).toMatch(/^NAME\s+EXPRESSION\s+TIMEZONE\s+JOB\s+CLASS\s+OVERLAP\s+ENABLED\s+NEXT \(UTC\)$/);
    expect(lines[1]).toMatch(/^nightly-sales-report\s+cron\(0 2 \* \* \? \*\)\s+Europe\/Berlin\s+report\.generate\s+reports\s+skip\s+yes\s+\d{4}-\d\d-\d\d \d\d:00:00Z, /);
    expect(lines[2]).toMatch(/^heartbeat\s+rate\(5 minutes\)\s+UTC\s+demo\.sleep\s+high-priority\s+skip\s+yes\s+/);
  });

  it('runs heartbeat now: the printed job id completes in the runtime', async () => {
    const before = Math.floor(Date.now() / 1000) * 1000;
    const run = await runCli(['schedules', 'run', 'heartbeat'], env);
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    const match = /^(tick:(\S+)\/heartbeat@(\S+)) sent to high-priority\n$/.exec(run.stdout);
    expect(match).not.toBeNull();
    const [, jobId, group, time] = match!;
    expect(group).toBe(prefix); // the runtime's schedule group: its table name's prefix
    expect(Date.parse(time!)).toBeGreaterThanOrEqual(before);
    const job = await completed(jobId!);
    expect(job).toMatchObject({ name: 'demo.sleep', class: 'high-priority', attempts: 1, result: { sleptMs: 10 } });
  });

  it('runs a schedule under another group with --group, as JSON', async () => {
    const run = await runCliJson<TickRun>(['schedules', 'run', 'heartbeat', '--group', 'elsewhere'], env);
    expect(run).toMatchObject({
      schedule: 'heartbeat',
      scheduleArn: 'arn:aws:scheduler:local:000000000000:schedule/elsewhere/heartbeat',
      class: 'high-priority',
    });
    expect(run.jobId).toBe(`tick:elsewhere/heartbeat@${run.scheduledTime}`);
    await completed(run.jobId);
  });

  it('refuses an unknown schedule in one line naming it and the known ones', async () => {
    const run = await runCli(['schedules', 'run', 'nightly'], env);
    expect(run.code).toBe(1);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('sqs-jobs: unknown schedule "nightly" (known: nightly-sales-report, heartbeat)\n');
  });

  it('refuses a schedule whose class has no queue in the connected pipeline', async () => {
    // A pipeline deployed without the reports class, as the environment describes it.
    const { reports: _, ...otherQueues } = JSON.parse(env.SQS_JOBS_QUEUES ?? '{}') as Record<string, unknown>;
    const run = await runCli(['schedules', 'run', 'nightly-sales-report'], { ...env, SQS_JOBS_QUEUES: JSON.stringify(otherQueues) });
    expect(run.code).toBe(1);
    expect(run.stderr).toMatch(/^sqs-jobs: no queue configured for priority class "reports" \(known: .*high-priority.*\)\n$/);
  });
});
