/**
 * Time: the schedule catalog on EventBridge Scheduler (JobSchedules), the every-minute delay
 * dispatcher (DelayDispatcher) and their block of the dashboard. One synthesis of this repository's catalog plus a disabled entry
 * with a class override and a time zone, default retry settings; the stand-in dispatcher under
 * fixtures/ is bundled. A pipeline without schedules is only built, not synthesized.
 */
import { App } from 'aws-cdk-lib';
import type { CfnRole } from 'aws-cdk-lib/aws-iam';
import { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import { beforeAll, describe, expect, it } from 'vitest';
import { jobTable } from '../../shared/job-table.ts';
import { jobRegistry, schedules as appSchedules } from '../../examples/demo/src/jobs.ts';
import { ENV_CONSUMER_CLASS, ENV_QUEUES, ENV_TABLE_NAME } from '../../shared/pipeline-config.ts';
import { deadLetterQueueName, pipelineSettings, queueName, tableName } from '../../shared/pipeline-settings.ts';
import { defaultPriorityClasses } from '../../shared/priority-classes.ts';
import { defineSchedules, type Schedule } from '../../shared/schedules/schedule-catalog.ts';
import {
  SCHEDULED_TIME_PLACEHOLDER,
  SCHEDULE_ARN_PLACEHOLDER,
  tickInputTemplate,
} from '../../shared/schedules/tick-template.ts';
import { dispatcherFunctionName } from '../../cdk/pipeline-naming.ts';
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
  statementsOf,
  PipelineTestStack,
  synthesizePipeline,
  type CfnResource,
  type DashboardWidget,
  type Json,
  type SynthesizedPipeline,
} from './pipeline-template.ts';

const PREFIX = `${pipelineSettings.namePrefix}-dev`;
const FUNCTION_NAME = 'sqs-jobs-dev-delay-dispatcher';
const classNames = Object.keys(defaultPriorityClasses);
const disabled = defineSchedules(jobRegistry, [
  {
    name: 'weekly-digest.v2',
    expression: 'cron(30 7 ? * MON *)',
    timezone: 'America/New_York',
    job: 'webhook.send',
    payload: { url: 'https://example.com/hook', event: 'digest' },
    class: 'low-priority',
    enabled: false,
  },
]);
const catalog: Schedule[] = [...appSchedules, ...disabled];

let synth: SynthesizedPipeline;
let groupId: string;
let dlqId: string;
let roleId: string;
let fnId: string;
let fnRoleId: string;
let tableId: string;
let trigger: CfnResource;
let triggerRoleId: string;

const resource = (id: string): CfnResource => resourceById(synth.json, id);
const queueNamed = (name: string): string => logicalIdWhere(synth.json, 'AWS::SQS::Queue', 'QueueName', name);
const queueId = (className: string): string => queueNamed(queueName(PREFIX, className));
const workQueueIds = (): string[] => classNames.map(queueId);
const classDlqIds = (): string[] => classNames.map((name) => queueNamed(deadLetterQueueName(PREFIX, name)));
const dlqIds = (): string[] => [...classDlqIds(), queueNamed(`${PREFIX}-schedule-dlq`)];
const scheduleNamed = (name: string): CfnResource =>
  resource(logicalIdWhere(synth.json, 'AWS::Scheduler::Schedule', 'Name', name));
const targetOf = (name: string): Record<string, Json> => scheduleNamed(name).Properties['Target'] as Record<string, Json>;

beforeAll(() => {
  synth = synthesizePipeline({ schedules: catalog });
  groupId = logicalIdWhere(synth.json, 'AWS::Scheduler::ScheduleGroup', 'Name', PREFIX);
  dlqId = logicalIdWhere(synth.json, 'AWS::SQS::Queue', 'QueueName', `${PREFIX}-schedule-dlq`);
  const [role] = referencedIds(targetOf(catalog[0]?.name ?? '')['RoleArn'] ?? null);
  if (!role) throw new Error('schedule without a role');
  roleId = role;

  fnId = logicalIdWhere(synth.json, 'AWS::Lambda::Function', 'FunctionName', FUNCTION_NAME);
  const [fnRole] = referencedIds(resource(fnId).Properties['Role'] ?? null);
  if (!fnRole) throw new Error('dispatcher without a role');
  fnRoleId = fnRole;
  tableId = logicalIdWhere(synth.json, 'AWS::DynamoDB::Table', 'TableName', tableName(PREFIX));
  trigger = resource(logicalIdWhere(synth.json, 'AWS::Scheduler::Schedule', 'Name', FUNCTION_NAME));
  const [triggerRole] = referencedIds((trigger.Properties['Target'] as Record<string, Json>)['RoleArn'] ?? null);
  if (!triggerRole) throw new Error('trigger without a role');
  triggerRoleId = triggerRole;
});

describe('schedule group', () => {
  it('is named after the pipeline and deleted with the stack', () => {
    synth.template.resourceCountIs('AWS::Scheduler::ScheduleGroup', 1);
    expect(resource(groupId).DeletionPolicy).toBe('Delete');
    expect(synth.stack.pipeline.jobSchedules.group.scheduleGroupName).toBe(PREFIX);
  });

  it('holds one schedule per catalog entry plus the dispatcher trigger, each in this group', () => {
    const all = resourcesOfType(synth.json, 'AWS::Scheduler::Schedule');
    expect(all).toHaveLength(catalog.length + 1);
    for (const [, schedule] of all) expect(schedule.Properties['GroupName']).toEqual(PREFIX);
    expect(synth.json.Outputs['ScheduleGroupName']?.Value).toEqual(PREFIX);
  });
});

describe.each(catalog.map((entry) => [entry.name, entry] as const))('schedule %s', (name, entry) => {
  it('fires the catalog expression in its time zone, on time, in the state the catalog says', () => {
    expect(scheduleNamed(name).Properties).toMatchObject({
      ScheduleExpression: entry.expression,
      ScheduleExpressionTimezone: entry.timezone,
      FlexibleTimeWindow: { Mode: 'OFF' },
      State: entry.enabled ? 'ENABLED' : 'DISABLED',
    });
  });

  it("targets its class's work queue through the shared role", () => {
    const target = targetOf(name);
    expect(target['Arn']).toEqual({ 'Fn::GetAtt': [queueId(entry.class), 'Arn'] });
    expect(target['RoleArn']).toEqual({ 'Fn::GetAtt': [roleId, 'Arn'] });
  });

  it('sends the tick template with the schedule ARN and scheduled time, not the execution id', () => {
    const input = targetOf(name)['Input'];
    expect(input).toBe(tickInputTemplate(entry));
    expect(input).toContain(SCHEDULE_ARN_PLACEHOLDER);
    expect(input).toContain(SCHEDULED_TIME_PLACEHOLDER);
    expect(input).not.toContain('<aws.scheduler.execution-id>');
    expect(input).not.toContain('<aws.scheduler.attempt-number>');
  });

  it('retries for an hour, 10 times, then dead-letters to the schedule DLQ', () => {
    const target = targetOf(name);
    expect(target['RetryPolicy']).toEqual({ MaximumEventAgeInSeconds: 3600, MaximumRetryAttempts: 10 });
    expect(target['DeadLetterConfig']).toEqual({ Arn: { 'Fn::GetAtt': [dlqId, 'Arn'] } });
  });
});

describe('class overrides and disabled entries', () => {
  it('sends to the overriding class, and keeps disabled entries as DISABLED schedules', () => {
    expect(targetOf('weekly-digest.v2')['Arn']).toEqual({ 'Fn::GetAtt': [queueId('low-priority'), 'Arn'] });
    expect(scheduleNamed('weekly-digest.v2').Properties['State']).toBe('DISABLED');
    expect(synth.stack.pipeline.jobSchedules.schedules.get('weekly-digest.v2')).toBeDefined();
  });
});

describe('scheduler role', () => {
  it('trusts only scheduler.amazonaws.com, for this account and this schedule group', () => {
    const trust = statementsOf(resource(roleId).Properties['AssumeRolePolicyDocument'] ?? null);
    expect(trust).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: {
          StringEquals: {
            'aws:SourceAccount': { Ref: 'AWS::AccountId' },
            'aws:SourceArn': { 'Fn::GetAtt': [groupId, 'Arn'] },
          },
        },
      },
    ]);
    expect(resource(roleId).Properties['ManagedPolicyArns']).toBeUndefined();
  });

  it('may only SendMessage, to the targeted work queues and the schedule DLQ', () => {
    const statements = roleStatements(synth.json, roleId);
    for (const statement of statements) {
      expect(statement.Effect).toBe('Allow');
      expect(actionsOf(statement)).toEqual(['sqs:SendMessage']);
      expect(JSON.stringify(statement.Resource)).not.toContain('*');
    }
    const targeted = new Set(catalog.map((entry) => entry.class));
    const named = new Set(statements.flatMap((s) => [...referencedIds(s.Resource)]));
    expect(named).toEqual(new Set([...[...targeted].map(queueId), dlqId]));
    // Untargeted classes and every class DLQ stay out of reach.
    for (const className of Object.keys(defaultPriorityClasses)) {
      const dlq = logicalIdWhere(synth.json, 'AWS::SQS::Queue', 'QueueName', deadLetterQueueName(PREFIX, className));
      expect(named.has(dlq)).toBe(false);
      if (!targeted.has(className as Schedule['class'])) expect(named.has(queueId(className))).toBe(false);
    }
    expect([...synth.stack.pipeline.jobSchedules.targetedClasses].sort()).toEqual([...targeted].sort());
  });

  it('is used by the catalog schedules only', () => {
    const users = resourcesOfType(synth.json, 'AWS::Scheduler::Schedule').filter(([, s]) =>
      referencedIds((s.Properties['Target'] as Record<string, Json>)['RoleArn'] ?? null).has(roleId),
    );
    expect(users).toHaveLength(catalog.length);
  });
});

describe('schedule dead-letter queue', () => {
  it('uses SSE-SQS (not a KMS key), keeps ticks 14 days and refuses requests without TLS', () => {
    const props = resource(dlqId).Properties;
    expect(props['SqsManagedSseEnabled']).toBe(true);
    expect(props['KmsMasterKeyId']).toBeUndefined();
    expect(props['MessageRetentionPeriod']).toBe(14 * 86_400);
    const denies = resourcesOfType(synth.json, 'AWS::SQS::QueuePolicy')
      .filter(([, policy]) => referencedIds(policy.Properties['Queues'] ?? null).has(dlqId))
      .flatMap(([, policy]) => statementsOf(policy.Properties['PolicyDocument'] ?? null))
      .filter((s) => s.Effect === 'Deny');
    expect(denies).toContainEqual(expect.objectContaining({ Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
    expect(synth.json.Outputs['ScheduleDlqUrl']?.Value).toEqual({ Ref: dlqId });
  });

  it('alarms on the pipeline topic as soon as one tick lands there', () => {
    const topicId = logicalIdWhere(synth.json, 'AWS::SNS::Topic', 'TopicName', `${PREFIX}-alarms`);
    const alarm = resource(
      logicalIdWhere(synth.json, 'AWS::CloudWatch::Alarm', 'AlarmName', `${PREFIX}-schedule-dead-letter-queue`),
    );
    expect(alarm.Properties).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [dlqId, 'QueueName'] } }],
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: topicId }],
      OKActions: [{ Ref: topicId }],
    });
  });
});

describe('delay dispatcher', () => {
  describe('function', () => {
    it('is named after the pipeline', () => {
      expect(dispatcherFunctionName(PREFIX)).toBe(FUNCTION_NAME);
    });

    it('runs nodejs24.x on arm64 with 256 MB for up to 60 s, one run at a time', () => {
      expect(resource(fnId).Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        MemorySize: 256,
        Timeout: 60,
        Handler: 'index.handler',
        ReservedConcurrentExecutions: 1,
      });
    });

    it('drops a failed or throttled tick instead of retrying it', () => {
      const configs = resourcesOfType(synth.json, 'AWS::Lambda::EventInvokeConfig').filter(([, c]) =>
        referencedIds(c.Properties['FunctionName'] ?? null).has(fnId),
      );
      expect(configs.map(([, c]) => c.Properties)).toEqual([
        { FunctionName: { Ref: fnId }, MaximumEventAgeInSeconds: 60, MaximumRetryAttempts: 0, Qualifier: '$LATEST' },
      ]);
    });

    it('knows the table and every class queue, but no consumer class', () => {
      const variables = (resource(fnId).Properties['Environment'] as { Variables: Record<string, Json> }).Variables;
      expect(variables[ENV_TABLE_NAME]).toEqual({ Ref: tableId });
      expect(referencedIds(variables[ENV_QUEUES] ?? null)).toEqual(new Set([...workQueueIds(), ...classDlqIds()]));
      expect(synth.stack.resolve(synth.stack.pipeline.pipelineEnvironment()[ENV_QUEUES])).toEqual(variables[ENV_QUEUES]);
      expect(variables['POWERTOOLS_SERVICE_NAME']).toBe(PREFIX);
      expect(variables['POWERTOOLS_METRICS_NAMESPACE']).toBe('SqsJobs/dev');
      expect(variables[ENV_CONSUMER_CLASS]).toBeUndefined();
    });

    it('logs to its own log group', () => {
      const [logGroup] = referencedIds(resource(fnId).Properties['LoggingConfig'] ?? null);
      expect(resource(logGroup ?? '').Properties).toMatchObject({
        LogGroupName: `/aws/lambda/${FUNCTION_NAME}`,
        RetentionInDays: 30,
      });
    });
  });

  describe('permissions', () => {
    const actionsOn = (id: string): string[] =>
      [...new Set(roleStatements(synth.json, fnRoleId).filter((s) => referencedIds(s.Resource).has(id)).flatMap(actionsOf))].sort();

    it('role has no managed policies and no wildcard resources but X-Ray\'s', () => {
      expect(resource(fnRoleId).Properties['ManagedPolicyArns']).toBeUndefined();
      for (const statement of roleStatements(synth.json, fnRoleId)) {
        expect(statement.Effect).toBe('Allow');
        if (statement.Resource === '*') {
          // Active tracing; X-Ray has no resource-level permissions (cdk/tracing.ts).
          expect(actionsOf(statement).sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
        } else {
          expect(JSON.stringify(statement.Resource)).not.toContain('*');
        }
      }
    });

    it('traces with X-Ray (active)', () => {
      expect(resource(fnId).Properties['TracingConfig']).toEqual({ Mode: 'Active' });
    });

    it('may SendMessage to every work queue and read its attributes (the sweeper), and nothing on a DLQ', () => {
      for (const id of workQueueIds()) expect(actionsOn(id)).toEqual(['sqs:GetQueueAttributes', 'sqs:SendMessage']);
      for (const id of dlqIds()) expect(actionsOn(id)).toEqual([]);
    });

    it('may GetItem, UpdateItem, BatchGetItem and Scan (the sweeper) on the table and Query it and byStatus', () => {
      expect(actionsOn(tableId)).toEqual(
        ['dynamodb:BatchGetItem', 'dynamodb:GetItem', 'dynamodb:Query', 'dynamodb:Scan', 'dynamodb:UpdateItem'].sort(),
      );
      const query = roleStatements(synth.json, fnRoleId).filter((s) => actionsOf(s).includes('dynamodb:Query'));
      expect(query).toHaveLength(1);
      expect(actionsOf(query[0] ?? { Effect: '', Action: [], Resource: null })).toEqual(['dynamodb:Query']);
      const resources = JSON.stringify(query[0]?.Resource);
      expect(resources).toContain(`/index/${jobTable.indexes.byStatus.name}`);
    });

    it('names only the table, the work queues and its log group', () => {
      const [logGroup] = referencedIds(resource(fnId).Properties['LoggingConfig'] ?? null);
      const named = new Set(roleStatements(synth.json, fnRoleId).flatMap((s) => [...referencedIds(s.Resource)]));
      expect(named).toEqual(new Set([tableId, ...workQueueIds(), logGroup]));
    });
  });

  describe('every-minute trigger', () => {
    it('is a Scheduler schedule at rate(1 minute) in the pipeline group, on time, invoking the function', () => {
      expect(trigger.Properties).toMatchObject({
        ScheduleExpression: 'rate(1 minute)',
        GroupName: PREFIX,
        FlexibleTimeWindow: { Mode: 'OFF' },
        State: 'ENABLED',
      });
      const target = trigger.Properties['Target'] as Record<string, Json>;
      expect(target['Arn']).toEqual({ 'Fn::GetAtt': [fnId, 'Arn'] });
      expect(target['RetryPolicy']).toEqual({ MaximumEventAgeInSeconds: 60, MaximumRetryAttempts: 0 });
      expect(target['DeadLetterConfig']).toBeUndefined();
    });

    it('assumes its own role, trusted by Scheduler for this group, that may invoke only this function', () => {
      const groupId = logicalIdWhere(synth.json, 'AWS::Scheduler::ScheduleGroup', 'Name', PREFIX);
      const trust = statementsOf(resource(triggerRoleId).Properties['AssumeRolePolicyDocument'] ?? null);
      expect(trust).toEqual([
        expect.objectContaining({
          Principal: { Service: 'scheduler.amazonaws.com' },
          Condition: {
            StringEquals: {
              'aws:SourceAccount': { Ref: 'AWS::AccountId' },
              'aws:SourceArn': { 'Fn::GetAtt': [groupId, 'Arn'] },
            },
          },
        }),
      ]);
      expect(roleStatements(synth.json, triggerRoleId)).toEqual([
        { Action: 'lambda:InvokeFunction', Effect: 'Allow', Resource: { 'Fn::GetAtt': [fnId, 'Arn'] } },
      ]);
      const scheduleRole = synth.stack.pipeline.jobSchedules.role.node.defaultChild as CfnRole;
      expect(triggerRoleId).not.toBe(synth.stack.getLogicalId(scheduleRole));
    });
  });

  describe('alarms', () => {
    let topicId: string;
    beforeAll(() => {
      topicId = logicalIdWhere(synth.json, 'AWS::SNS::Topic', 'TopicName', `${PREFIX}-alarms`);
    });
    const alarm = (name: string): CfnResource =>
      resource(logicalIdWhere(synth.json, 'AWS::CloudWatch::Alarm', 'AlarmName', name));

    it('alarms on any failed run', () => {
      expect(alarm(`${FUNCTION_NAME}-errors`).Properties).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId } }],
        Statistic: 'Sum',
        Period: 300,
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
        TreatMissingData: 'notBreaching',
        AlarmActions: [{ Ref: topicId }],
        OKActions: [{ Ref: topicId }],
      });
    });

    it('alarms when the dispatcher has not run for 10 minutes, silence included', () => {
      expect(alarm(`${FUNCTION_NAME}-not-running`).Properties).toMatchObject({
        MetricName: 'Invocations',
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId } }],
        Statistic: 'Sum',
        Period: 300,
        Threshold: 1,
        ComparisonOperator: 'LessThanThreshold',
        EvaluationPeriods: 2,
        DatapointsToAlarm: 2,
        TreatMissingData: 'breaching',
        AlarmActions: [{ Ref: topicId }],
      });
    });
  });
});

describe('dashboard', () => {
  const TITLES = [
    'schedules: dead-letter queue depth',
    'delay dispatcher: runs per minute',
    'delay dispatcher: run duration (ms)',
    'delay dispatcher: throttled ticks per minute',
  ] as const;
  let widgets: DashboardWidget[];
  beforeAll(() => {
    widgets = dashboardWidgets(synth.json);
  });
  const widget = (title: (typeof TITLES)[number]): DashboardWidget['properties'] => {
    const found = widgets.filter((w) => w.properties.title === title);
    if (found.length !== 1 || !found[0]) throw new Error(`expected one widget "${title}", found ${found.length}`);
    return found[0].properties;
  };
  const perMinute = (label: string, stat: string): Json => ({ label, period: 60, stat });
  const dispatcherMetric = (metricName: string, label: string, stat: string): Json[] => [
    'AWS/Lambda',
    metricName,
    'FunctionName',
    `{Ref:${fnId}}`,
    perMinute(label, stat),
  ];

  it('ends with a block for the schedules and the dispatcher: a heading, then one row of four graphs', () => {
    const heading = widgets.findIndex((w) => w.properties.markdown === '## schedules and delay dispatcher');
    expect(heading).toBeGreaterThan(0);
    expect(widgets.slice(heading + 1).map((w) => [w.properties.title, w.width])).toEqual(TITLES.map((t) => [t, 6]));
  });

  it('graphs the visible messages of the schedule DLQ, Maximum per minute, with the alarm threshold', () => {
    const { metrics, annotations } = widget('schedules: dead-letter queue depth');
    expect(metrics).toEqual([
      [
        'AWS/SQS',
        'ApproximateNumberOfMessagesVisible',
        'QueueName',
        `{GetAtt:${dlqId}.QueueName}`,
        perMinute('undelivered ticks', 'Maximum'),
      ],
    ]);
    expect(annotations?.horizontal).toEqual([{ label: 'alarm', value: 0, yAxis: 'left' }]);
  });

  it("graphs the dispatcher's runs and errors per minute, its duration p50 and p95, and its throttles", () => {
    expect(widget('delay dispatcher: runs per minute').metrics).toEqual([
      dispatcherMetric('Invocations', 'runs', 'Sum'),
      dispatcherMetric('Errors', 'errors', 'Sum'),
    ]);
    expect(widget('delay dispatcher: run duration (ms)').metrics).toEqual([
      dispatcherMetric('Duration', 'p50', 'p50'),
      dispatcherMetric('Duration', 'p95', 'p95'),
    ]);
    expect(widget('delay dispatcher: throttled ticks per minute').metrics).toEqual([
      dispatcherMetric('Throttles', 'throttles', 'Sum'),
    ]);
  });
});

describe('without schedules', () => {
  it('still has the group, its DLQ and role, and only the dispatcher trigger', () => {
    const stack = new PipelineTestStack(new App(), 'NoSchedules', {
      consumerEntry: FIXTURE_ENTRY,
      dispatcherEntry: DISPATCHER_FIXTURE_ENTRY,
    });
    const { jobSchedules } = stack.pipeline;
    expect(jobSchedules.schedules.size).toBe(0);
    expect(jobSchedules.targetedClasses).toEqual([]);
    expect(jobSchedules.role.node.tryFindChild('DefaultPolicy')).toBeUndefined();
    const cfnSchedules = stack.node.findAll().filter((c) => c instanceof CfnSchedule);
    expect(cfnSchedules.map((c) => c.node.path)).toEqual(['NoSchedules/Pipeline/DelayDispatcher/Trigger/Resource']);
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('reports no findings with schedules and dispatcher deployed', () => {
    expect(synth.nag.validateScope(synth.app).violations).toEqual([]);
  });
});
