/**
 * A pipeline built with every prop set (custom catalog, stage, prefix, metric namespace,
 * thresholds, both e-mails, heartbeat, no tracing, removal policy, extra environment, schedules
 * and their retry settings, no dispatcher reservation) plus a producer role granted `grantEnqueue`. The dispatcher's
 * default reservation is checked on pipelines that are only built, not synthesized.
 */
import { App, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Role, ServicePrincipal, type CfnRole } from 'aws-cdk-lib/aws-iam';
import type { CfnFunction } from 'aws-cdk-lib/aws-lambda';
import { RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Match } from 'aws-cdk-lib/assertions';
import { BUNDLING_STACKS } from 'aws-cdk-lib/cx-api';
import { beforeAll, describe, expect, it } from 'vitest';
import type { PriorityClass } from '../../shared/priority-classes.ts';
import type { Schedule } from '../../shared/schedules/schedule-catalog.ts';
import { JobPipeline, type JobPipelineProps } from '../../cdk/job-pipeline.ts';
import { JobPipelinePropsError } from '../../cdk/validate-pipeline-props.ts';
import {
  resourceById,
  DISPATCHER_FIXTURE_ENTRY,
  FIXTURE_ENTRY,
  actionsOf,
  dashboardWidgets,
  logicalIdWhere,
  referencedIds,
  resourcesOfType,
  roleStatements,
  synthesizePipeline,
  type CfnResource,
  type Json,
  type SynthesizedPipeline,
} from './pipeline-template.ts';

const base: PriorityClass = {
  timeoutSeconds: 30,
  attempts: 3,
  backoff: [10],
  batchSize: 5,
  batchWindowSeconds: 0,
  maxConcurrency: 3,
  recordParallelism: 1,
  memoryMb: 256,
};
const catalog: Record<string, PriorityClass> = {
  default: base,
  bulk: { ...base, batchSize: 100, batchWindowSeconds: 10, maxConcurrency: 4 },
};

/** One schedule, on the `default` class only: `bulk` must stay out of the scheduler role. */
const hourly: Schedule = {
  name: 'hourly-cleanup',
  expression: 'rate(1 hour)',
  timezone: 'UTC',
  job: 'demo.sleep',
  payload: { ms: 1 },
  class: 'default',
  overlap: 'allow',
  enabled: true,
};

let synth: SynthesizedPipeline;
let producerRoleId: string;

const resource = (id: string): CfnResource => resourceById(synth.json, id);
const queueId = (name: string): string => logicalIdWhere(synth.json, 'AWS::SQS::Queue', 'QueueName', name);
const alarm = (name: string): CfnResource =>
  resource(logicalIdWhere(synth.json, 'AWS::CloudWatch::Alarm', 'AlarmName', name));

beforeAll(() => {
  let producer: Role | undefined;
  synth = synthesizePipeline(
    {
      priorityClasses: catalog,
      stageName: 'qa',
      namePrefix: 'acme',
      removalPolicy: RemovalPolicy.DESTROY,
      logRetention: RetentionDays.ONE_WEEK,
      alarmEmail: 'ops@example.com',
      warningEmail: 'team@example.com',
      heartbeat: { job: 'demo.sleep', withinMinutes: 180 },
      tracing: false,
      metricNamespace: 'Acme/Jobs qa',
      alarmThresholds: {
        queueDepth: { warning: 10, critical: 20 },
        waitTimeSeconds: 60,
        failureRate: { warning: 0.2, critical: 0.4, minJobs: 25 },
        dlqDepth: 2,
      },
      classAlarmThresholds: { bulk: { waitTimeSeconds: 3600 } },
      environment: { FEATURE_FLAG: 'on' },
      failedJobRetentionDays: 90,
      schedules: [hourly],
      scheduleRetry: { maxEventAge: Duration.minutes(5), retryAttempts: 0 },
      dispatcherReservedConcurrency: null,
    },
    (stack) => {
      producer = new Role(stack, 'Producer', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') });
      stack.pipeline.grantEnqueue(producer);
    },
  );
  if (!producer) throw new Error('producer role was not created');
  producerRoleId = synth.stack.getLogicalId(producer.node.defaultChild as CfnRole);
});

describe('custom catalog, stage and prefix', () => {
  it('names queues, table and functions <prefix>-<stage>-…', () => {
    for (const name of ['acme-qa-default', 'acme-qa-default-dlq', 'acme-qa-bulk', 'acme-qa-bulk-dlq']) {
      expect(queueId(name)).toBeTruthy();
    }
    synth.template.resourceCountIs('AWS::SQS::Queue', 5);
    expect(queueId('acme-qa-schedule-dlq')).toBeTruthy();
    synth.template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'acme-qa-delay-dispatcher' });
    synth.template.hasResourceProperties('AWS::Scheduler::ScheduleGroup', { Name: 'acme-qa' });
    synth.template.hasResourceProperties('AWS::DynamoDB::Table', { TableName: 'acme-qa-jobs' });
    synth.template.hasResourceProperties('AWS::Lambda::Function', { FunctionName: 'acme-qa-bulk-consumer' });
  });

  it('keeps a class named "default" in the logical ids', () => {
    expect(queueId('acme-qa-default')).toMatch(/^PipelineClassDefault/);
  });

  it('sets the batching window only where the catalog has one', () => {
    const mapping = (name: string) =>
      resourcesOfType(synth.json, 'AWS::Lambda::EventSourceMapping').find(([, m]) =>
        referencedIds(m.Properties['EventSourceArn'] ?? null).has(queueId(name)),
      )?.[1].Properties;
    expect(mapping('acme-qa-bulk')).toMatchObject({
      BatchSize: 100,
      MaximumBatchingWindowInSeconds: 10,
      ScalingConfig: { MaximumConcurrency: 4 },
    });
    expect(mapping('acme-qa-default')?.['MaximumBatchingWindowInSeconds']).toBeUndefined();
  });

  it('passes extra environment, the failed-job retention and log retention to every function', () => {
    for (const [, fn] of resourcesOfType(synth.json, 'AWS::Lambda::Function')) {
      expect(fn.Properties['Environment']).toMatchObject({
        Variables: { FEATURE_FLAG: 'on', POWERTOOLS_SERVICE_NAME: 'acme-qa', SQS_JOBS_FAILED_RETENTION_DAYS: '90' },
      });
    }
    for (const [, group] of resourcesOfType(synth.json, 'AWS::Logs::LogGroup')) {
      expect(group.Properties['RetentionInDays']).toBe(7);
    }
  });

  it('deletes the table with the stack when asked, without deletion protection', () => {
    const [, table] = resourcesOfType(synth.json, 'AWS::DynamoDB::Table')[0] ?? [];
    expect(table?.DeletionPolicy).toBe('Delete');
    expect(table?.Properties['DeletionProtectionEnabled']).toBe(false);
  });
});

describe('alarm options', () => {
  it('subscribes alarmEmail to the critical topic and warningEmail to the warning topic', () => {
    const topicOf = (email: string) => {
      const id = logicalIdWhere(synth.json, 'AWS::SNS::Subscription', 'Endpoint', email);
      return resource(id).Properties['TopicArn'];
    };
    expect(topicOf('ops@example.com')).toEqual({ Ref: logicalIdWhere(synth.json, 'AWS::SNS::Topic', 'TopicName', 'acme-qa-alarms') });
    expect(topicOf('team@example.com')).toEqual({
      Ref: logicalIdWhere(synth.json, 'AWS::SNS::Topic', 'TopicName', 'acme-qa-alarms-warning'),
    });
    synth.template.resourceCountIs('AWS::SNS::Subscription', 2);
  });

  it('alarms on the heartbeat job of the schedule, in its class and the configured namespace', () => {
    expect(alarm('acme-qa-heartbeat').Properties).toMatchObject({
      Namespace: 'Acme/Jobs qa',
      MetricName: 'JobCompleted',
      Dimensions: [
        { Name: 'JobClass', Value: 'default' },
        { Name: 'JobName', Value: 'demo.sleep' },
      ],
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 180,
      DatapointsToAlarm: 180,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      TreatMissingData: 'breaching',
    });
  });

  it('applies pipeline thresholds to every class and class overrides to that class only', () => {
    for (const className of ['default', 'bulk']) {
      expect(alarm(`acme-qa-${className}-queue-depth-warning`).Properties['Threshold']).toBe(10);
      expect(alarm(`acme-qa-${className}-queue-depth-critical`).Properties['Threshold']).toBe(20);
      expect(alarm(`acme-qa-${className}-failure-rate-warning`).Properties['Threshold']).toBe(0.2);
      expect(alarm(`acme-qa-${className}-failure-rate-critical`).Properties['Threshold']).toBe(0.4);
    }
    // Seconds in the props, milliseconds in the alarm (JobWaitTime is in ms).
    expect(alarm('acme-qa-bulk-wait-time').Properties['Threshold']).toBe(3_600_000);
    expect(alarm('acme-qa-default-wait-time').Properties['Threshold']).toBe(60_000);
  });

  it('counts the failure rate from minJobs on, in the configured namespace', () => {
    synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      AlarmName: 'acme-qa-bulk-failure-rate-critical',
      Metrics: Match.arrayWith([
        Match.objectLike({ Expression: Match.stringLikeRegexp('^IF\\(.* >= 25, ') }),
        Match.objectLike({
          MetricStat: Match.objectLike({ Metric: Match.objectLike({ Namespace: 'Acme/Jobs qa', MetricName: 'JobFailed' }) }),
        }),
      ]),
    });
  });

  it('sets the namespace on every consumer and outputs it', () => {
    for (const [, fn] of resourcesOfType(synth.json, 'AWS::Lambda::Function')) {
      expect(fn.Properties['Environment']).toMatchObject({ Variables: { POWERTOOLS_METRICS_NAMESPACE: 'Acme/Jobs qa' } });
    }
    expect(synth.json.Outputs['MetricNamespace']?.Value).toBe('Acme/Jobs qa');
  });
});

describe('schedules and dispatcher options', () => {
  const schedule = (): CfnResource =>
    resource(logicalIdWhere(synth.json, 'AWS::Scheduler::Schedule', 'Name', 'hourly-cleanup'));

  it('applies scheduleRetry to every catalog schedule, the dispatcher trigger keeping its own', () => {
    expect(schedule().Properties['Target']).toMatchObject({
      RetryPolicy: { MaximumEventAgeInSeconds: 300, MaximumRetryAttempts: 0 },
    });
    const trigger = resource(logicalIdWhere(synth.json, 'AWS::Scheduler::Schedule', 'Name', 'acme-qa-delay-dispatcher'));
    expect(trigger.Properties['Target']).toMatchObject({
      RetryPolicy: { MaximumEventAgeInSeconds: 60, MaximumRetryAttempts: 0 },
    });
  });

  it('lets the scheduler role send to the targeted queue and the schedule DLQ, not to bulk', () => {
    const target = schedule().Properties['Target'] as Record<string, Json>;
    const [roleId] = referencedIds(target['RoleArn'] ?? null);
    const named = new Set(roleStatements(synth.json, roleId ?? '').flatMap((s) => [...referencedIds(s.Resource)]));
    expect(named).toEqual(new Set([queueId('acme-qa-default'), queueId('acme-qa-schedule-dlq')]));
  });

  it('lets the dispatcher send to both work queues', () => {
    const fnId = logicalIdWhere(synth.json, 'AWS::Lambda::Function', 'FunctionName', 'acme-qa-delay-dispatcher');
    const [roleId] = referencedIds(resource(fnId).Properties['Role'] ?? null);
    const send = roleStatements(synth.json, roleId ?? '').filter((s) => actionsOf(s).includes('sqs:SendMessage'));
    expect(new Set(send.flatMap((s) => [...referencedIds(s.Resource)]))).toEqual(
      new Set([queueId('acme-qa-default'), queueId('acme-qa-bulk')]),
    );
  });

  it('uses the pipeline DLQ threshold for the schedule DLQ alarm and its dashboard line', () => {
    expect(alarm('acme-qa-schedule-dead-letter-queue').Properties['Threshold']).toBe(2);
    expect(alarm('acme-qa-bulk-dead-letter-queue').Properties['Threshold']).toBe(2);
    const graph = dashboardWidgets(synth.json).find((w) => w.properties.title === 'schedules: dead-letter queue depth');
    expect(graph?.properties.annotations?.horizontal).toEqual([{ label: 'alarm', value: 2, yAxis: 'left' }]);
  });
});

describe('dispatcherReservedConcurrency', () => {
  /** Built, not synthesized, and without bundling (no bundling stacks): the file keeps its one synthesis. */
  const reservedWith = (props: JobPipelineProps): number | undefined => {
    const stack = new Stack(new App({ context: { [BUNDLING_STACKS]: [] } }), 'Reserved');
    const pipeline = new JobPipeline(stack, 'Pipeline', {
      consumerEntry: FIXTURE_ENTRY,
      dispatcherEntry: DISPATCHER_FIXTURE_ENTRY,
      ...props,
    });
    return (pipeline.delayDispatcher.function.node.defaultChild as CfnFunction).reservedConcurrentExecutions;
  };

  it('reserves one execution by default and passes a number through', () => {
    expect(reservedWith({})).toBe(1);
    expect(reservedWith({ dispatcherReservedConcurrency: 3 })).toBe(3);
  });

  it('rejects 0 before building anything: the dispatcher would never run', () => {
    expect(() => reservedWith({ dispatcherReservedConcurrency: 0 })).toThrow(JobPipelinePropsError);
  });

  it('reserves nothing with null (the synthesized pipeline above)', () => {
    const fnId = logicalIdWhere(synth.json, 'AWS::Lambda::Function', 'FunctionName', 'acme-qa-delay-dispatcher');
    expect(resource(fnId).Properties).not.toHaveProperty('ReservedConcurrentExecutions');
    expect(reservedWith({ dispatcherReservedConcurrency: null })).toBeUndefined();
  });
});

describe('grantEnqueue', () => {
  it('allows SendMessage on the work queues (not the DLQs) and the four table actions', () => {
    const statements = roleStatements(synth.json, producerRoleId);
    const send = statements.filter((s) => actionsOf(s).includes('sqs:SendMessage'));
    expect(send).toHaveLength(1);
    expect(actionsOf(send[0] ?? { Effect: '', Action: [], Resource: null })).toEqual(['sqs:SendMessage']);
    expect(referencedIds(send[0]?.Resource ?? null)).toEqual(new Set([queueId('acme-qa-default'), queueId('acme-qa-bulk')]));
    const tableActions = statements.filter((s) => !actionsOf(s).includes('sqs:SendMessage')).flatMap(actionsOf);
    expect(tableActions.sort()).toEqual(
      ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'].sort(),
    );
    expect(statements).toHaveLength(2);
  });

  it('turns X-Ray tracing off on every function, without the X-Ray permissions', () => {
    for (const [, fn] of resourcesOfType(synth.json, 'AWS::Lambda::Function')) {
      expect(fn.Properties['TracingConfig']).toBeUndefined();
    }
    for (const [, policy] of resourcesOfType(synth.json, 'AWS::IAM::Policy')) {
      expect(JSON.stringify(policy.Properties['PolicyDocument'])).not.toContain('xray:');
    }
  });

  it('passes cdk-nag with all options set', () => {
    expect(synth.nag.validateScope(synth.app).violations).toEqual([]);
  });
});
