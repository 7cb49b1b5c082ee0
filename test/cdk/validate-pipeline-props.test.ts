import { describe, expect, it } from 'vitest';
import { App, Duration, Stack } from 'aws-cdk-lib';
import { schedules as appSchedules } from '../../examples/demo/src/jobs.ts';
import { defaultPriorityClasses, type PriorityClass } from '../../shared/priority-classes.ts';
import type { Schedule } from '../../shared/schedules/schedule-catalog.ts';
import { JobPipeline } from '../../cdk/job-pipeline.ts';
import { JobPipelinePropsError, pipelineProblems, type PipelineShape } from '../../cdk/validate-pipeline-props.ts';
import { FIXTURE_ENTRY } from './pipeline-template.ts';

const valid: PriorityClass = {
  timeoutSeconds: 60,
  attempts: 3,
  backoff: [30],
  batchSize: 10,
  batchWindowSeconds: 0,
  maxConcurrency: 5,
  recordParallelism: 2,
  memoryMb: 512,
};

const shape = (overrides: Partial<PipelineShape> = {}): PipelineShape => ({
  catalog: { jobs: valid },
  namePrefix: 'sqs-jobs',
  stageName: 'dev',
  metricNamespace: 'SqsJobs/dev',
  environment: {},
  alarmEmail: undefined,
  alarmThresholds: undefined,
  classAlarmThresholds: {},
  ...overrides,
});

describe('pipelineProblems', () => {
  it("accepts this repository's catalog and defaults", () => {
    expect(pipelineProblems(shape({ catalog: defaultPriorityClasses }))).toEqual([]);
  });

  it('reports every problem of every class at once', () => {
    const problems = pipelineProblems(
      shape({
        stageName: 'pr 12',
        catalog: {
          big: { ...valid, batchSize: 50 },
          slow: { ...valid, timeoutSeconds: 901, maxConcurrency: 1 },
          'a.b': { ...valid, memoryMb: 64, batchWindowSeconds: 301 },
        },
      }),
    );
    expect(problems).toEqual([
      'stageName "pr 12" may contain only letters, digits, "-" and "_"',
      'class "big": batchSize 50 > 10 needs batchWindowSeconds >= 1',
      'class "slow": timeoutSeconds must be an integer in 1–900 (got 901)',
      'class "slow": maxConcurrency must be an integer in 2–1000 (got 1)',
      'class "a.b": name may contain only letters, digits, "-" and "_"',
      'class "a.b": memoryMb must be an integer in 128–10240 (got 64)',
      'class "a.b": batchWindowSeconds must be an integer in 0–300 (got 301)',
    ]);
  });

  it('rejects an empty catalog, names too long for SQS or Lambda, and id clashes', () => {
    const long = 'x'.repeat(64);
    expect(pipelineProblems(shape({ catalog: {} }))).toEqual(['the priority-class catalog is empty']);
    expect(pipelineProblems(shape({ catalog: { [long]: valid } }))).toEqual([
      `class "${long}": queue name "sqs-jobs-dev-${long}-dlq" is longer than 80 characters`,
      `class "${long}": function name "sqs-jobs-dev-${long}-consumer" is longer than 64 characters`,
    ]);
    expect(pipelineProblems(shape({ catalog: { 'low-priority': valid, low_priority: valid } }))).toEqual([
      'classes "low-priority" and "low_priority" both map to the id "LowPriority"',
    ]);
  });

  it('rejects environment variables the pipeline sets itself, and a malformed e-mail', () => {
    expect(
      pipelineProblems(shape({ environment: { SQS_JOBS_QUEUES: '{}', POWERTOOLS_SERVICE_NAME: 'x', OK: '1' }, alarmEmail: 'ops' })),
    ).toEqual([
      'environment may not set SQS_JOBS_QUEUES: the pipeline sets it on every consumer',
      'environment may not set POWERTOOLS_SERVICE_NAME: the pipeline sets it on every consumer',
      'alarmEmail "ops" is not an e-mail address',
    ]);
  });

  it('checks thresholds, including class overrides merged over pipeline ones', () => {
    expect(
      pipelineProblems(
        shape({
          alarmThresholds: { queueDepth: { warning: 100, critical: 50 } },
          classAlarmThresholds: { jobs: { failureRate: { warning: 0.5, critical: 2 } }, ghost: {} },
        }),
      ),
    ).toEqual([
      'alarmThresholds: queueDepth needs 0 < warning <= critical (got 100 / 50)',
      'classAlarmThresholds.jobs: queueDepth needs 0 < warning <= critical (got 100 / 50)',
      'classAlarmThresholds.jobs: failureRate needs 0 < warning <= critical <= 1 (got 0.5 / 2)',
      'classAlarmThresholds names unknown class "ghost" (known: jobs)',
    ]);
  });

  it('checks failureRate.minJobs', () => {
    expect(
      pipelineProblems(
        shape({
          alarmThresholds: { failureRate: { warning: 0.1, critical: 0.2, minJobs: 0 } },
          classAlarmThresholds: { jobs: { failureRate: { warning: 0.1, critical: 0.2, minJobs: 2.5 } } },
        }),
      ),
    ).toEqual([
      'alarmThresholds: failureRate.minJobs must be an integer >= 1 (got 0)',
      'classAlarmThresholds.jobs: failureRate.minJobs must be an integer >= 1 (got 2.5)',
    ]);
  });

  it('checks the metric namespace against CloudWatch rules', () => {
    for (const ok of ['SqsJobs/dev', 'Acme Jobs/prod#1', 'a.b_c-d:e']) {
      expect(pipelineProblems(shape({ metricNamespace: ok }))).toEqual([]);
    }
    expect(pipelineProblems(shape({ metricNamespace: 'AWS/Jobs' }))).toEqual([
      'metricNamespace "AWS/Jobs" may not start with "AWS/" or ":"',
    ]);
    for (const bad of ['', '   ', 'jobs*', 'x'.repeat(256)]) {
      expect(pipelineProblems(shape({ metricNamespace: bad }))).toEqual([
        `metricNamespace "${bad}" needs 1–255 of letters, digits and . - _ / # : or space, not only spaces`,
      ]);
    }
  });
});

describe('schedule problems', () => {
  const tick: Schedule = {
    name: 'tick',
    expression: 'rate(5 minutes)',
    timezone: 'UTC',
    job: 'demo.sleep',
    payload: { ms: 1 },
    class: 'default',
    overlap: 'allow',
    enabled: true,
  };

  it("accepts this repository's schedule catalog with the default retry settings", () => {
    expect(pipelineProblems(shape({ catalog: defaultPriorityClasses, schedules: appSchedules }))).toEqual([]);
  });

  it('reports unknown classes, duplicate and malformed names', () => {
    expect(
      pipelineProblems(
        shape({
          catalog: { jobs: valid },
          schedules: [{ ...tick, class: 'reports' }, { ...tick, class: 'reports' }, { ...tick, name: 'a b', class: 'reports' }],
        }),
      ),
    ).toEqual([
      'schedule "tick": class "reports" is not a class of this pipeline (known: jobs)',
      'schedule "tick": defined twice',
      'schedule "tick": class "reports" is not a class of this pipeline (known: jobs)',
      'schedule "a b": name needs 1–64 letters, digits, "-", "_" or "."',
      'schedule "a b": class "reports" is not a class of this pipeline (known: jobs)',
    ]);
  });

  it('checks the retry policy against Scheduler limits', () => {
    expect(pipelineProblems(shape({ scheduleRetry: { retryAttempts: 185, maxEventAge: Duration.hours(24) } }))).toEqual([]);
    expect(pipelineProblems(shape({ scheduleRetry: { retryAttempts: 0, maxEventAge: Duration.seconds(60) } }))).toEqual([]);
    expect(pipelineProblems(shape({ scheduleRetry: { retryAttempts: 186, maxEventAge: Duration.seconds(59) } }))).toEqual([
      'scheduleRetry.retryAttempts must be an integer in 0–185 (got 186)',
      'scheduleRetry.maxEventAge must be whole seconds in 60–86400 (got 59)',
    ]);
    expect(pipelineProblems(shape({ scheduleRetry: { retryAttempts: 1.5, maxEventAge: Duration.millis(60_500) } }))).toEqual([
      'scheduleRetry.retryAttempts must be an integer in 0–185 (got 1.5)',
      'scheduleRetry.maxEventAge must be whole seconds in 60–86400 (got 60.5)',
    ]);
  });

  it('accepts a dispatcher reservation of a whole number >= 1 or null, nothing else', () => {
    for (const ok of [undefined, null, 1, 5]) {
      expect(pipelineProblems(shape({ dispatcherReservedConcurrency: ok }))).toEqual([]);
    }
    for (const bad of [0, -1, 1.5, Number.NaN]) {
      expect(pipelineProblems(shape({ dispatcherReservedConcurrency: bad }))).toEqual([
        `dispatcherReservedConcurrency must be an integer >= 1 or null (got ${bad})`,
      ]);
    }
  });

  it('reserves the class name "schedule" and checks the names derived from the prefix', () => {
    expect(pipelineProblems(shape({ catalog: { schedule: valid } }))).toEqual([
      'class "schedule": name is reserved; its DLQ and alarms would clash with the schedules\' ones',
    ]);
    // 49 characters of prefix: short enough for the consumer "…-jobs-consumer", not for the dispatcher.
    const stage = 'x'.repeat(40);
    expect(pipelineProblems(shape({ stageName: stage }))).toEqual([
      `dispatcher function name "sqs-jobs-${stage}-delay-dispatcher" is longer than 64 characters`,
    ]);
  });
});

describe('JobPipeline props check', () => {
  it('throws one JobPipelinePropsError listing all problems before building anything', () => {
    const stack = new Stack(new App(), 'Invalid');
    let error: unknown;
    try {
      new JobPipeline(stack, 'Pipeline', {
        stageName: 'bad stage',
        consumerEntry: FIXTURE_ENTRY,
        priorityClasses: { jobs: { ...valid, maxConcurrency: 0 } },
      });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(JobPipelinePropsError);
    expect((error as JobPipelinePropsError).problems).toHaveLength(2);
    expect((error as Error).message).toContain('stageName "bad stage"');
    expect((error as Error).message).toContain('maxConcurrency must be an integer in 2–1000 (got 0)');
    expect(stack.node.tryFindChild('Pipeline')?.node.children ?? []).toHaveLength(0);
  });
});

describe('queue span against the work-queue retention', () => {
  // 900 s timeout (visibility 5400 s), 25 attempts, exponential backoff from 3600 s: 25 × 900 +
  // 918000 backoff + 20 releases × 3600 + 55 spare receives × 5400 = 1309500 s, over 14 days.
  const long: PriorityClass = { ...valid, timeoutSeconds: 900, attempts: 25, backoff: { type: 'exponential', baseSeconds: 3600 } };

  it('checks each class as a job on its defaults would use it, naming the numbers', () => {
    expect(pipelineProblems(shape({ catalog: { jobs: valid, long } }))).toEqual([
      expect.stringMatching(
        /^class "long" \(a job on its defaults\): worst-case queue span 1309500 s \(15\.2 days\) exceeds the work-queue retention of 1209600 s \(14 days\)/,
      ),
    ]);
  });

  it('measures against the retention given, 14 days by default', () => {
    // low-priority: 354600 s, over the 4 days work queues once kept
    expect(pipelineProblems(shape({ catalog: defaultPriorityClasses, queueRetentionSeconds: 4 * 86_400 }))).toEqual([
      expect.stringContaining('class "low-priority" (a job on its defaults): worst-case queue span 354600 s'),
    ]);
    expect(pipelineProblems(shape({ catalog: defaultPriorityClasses }))).toEqual([]);
  });

  it('leaves jobs-module catalogs to their registry, which measured every job', () => {
    expect(pipelineProblems(shape({ catalog: { long }, jobs: [] }))).toEqual([]);
  });

  it('refuses such priorityClasses in JobPipeline', () => {
    const build = () =>
      new JobPipeline(new Stack(new App(), 'Span'), 'Pipeline', { consumerEntry: FIXTURE_ENTRY, priorityClasses: { long } });
    expect(build).toThrow(JobPipelinePropsError);
    expect(build).toThrow(/class "long" \(a job on its defaults\): worst-case queue span 1309500 s/);
  });
});

describe('heartbeat and warningEmail', () => {
  const tick: Schedule = {
    name: 'tick',
    expression: 'rate(5 minutes)',
    timezone: 'UTC',
    job: 'demo.sleep',
    payload: {},
    class: 'jobs',
    overlap: 'allow',
    enabled: true,
  };

  it('accepts a scheduled job, a module job, or an explicit class', () => {
    expect(pipelineProblems(shape({ schedules: [tick], heartbeat: { job: 'demo.sleep', withinMinutes: 15 } }))).toEqual([]);
    const jobs = [{ name: 'ping', class: 'jobs' }];
    expect(pipelineProblems(shape({ jobs, heartbeat: { job: 'ping', withinMinutes: 2 } }))).toEqual([]);
    expect(pipelineProblems(shape({ heartbeat: { job: 'ping', withinMinutes: 1440, class: 'jobs' } }))).toEqual([]);
  });

  it('reports an unknown job, an unknown class, a window out of range and a bad warning address', () => {
    expect(
      pipelineProblems(
        shape({
          jobs: [{ name: 'ping', class: 'jobs' }],
          heartbeat: { job: 'pong', withinMinutes: 1 },
          warningEmail: 'team',
        }),
      ),
    ).toEqual([
      'heartbeat.withinMinutes must be an integer in 2–1440 (got 1)',
      'heartbeat.job "pong" is not a job of the jobs module',
      'warningEmail "team" is not an e-mail address',
    ]);
    expect(pipelineProblems(shape({ heartbeat: { job: 'ping', withinMinutes: 10 } }))).toEqual([
      'heartbeat.job "ping" has no schedule here: name its class with heartbeat.class',
    ]);
    expect(pipelineProblems(shape({ heartbeat: { job: 'ping', withinMinutes: 10, class: 'bulk' } }))).toEqual([
      'heartbeat: class "bulk" is not a class of this pipeline (known: jobs)',
    ]);
  });
});
