/**
 * The demo stack's alarms, topics and dashboard: what each alarm watches, and which of the two
 * topics it notifies. Synthesized once, with cdk-nag, as the demo's CDK app builds it.
 */
import { App } from 'aws-cdk-lib';
import { Match } from 'aws-cdk-lib/assertions';
import type { CfnAlarm } from 'aws-cdk-lib/aws-cloudwatch';
import { BUNDLING_STACKS } from 'aws-cdk-lib/cx-api';
import { beforeAll, describe, expect, it } from 'vitest';
import { jobTable } from '../../shared/job-table.ts';
import { deadLetterQueueName, pipelineSettings, queueName, tableName } from '../../shared/pipeline-settings.ts';
import { defaultPriorityClasses } from '../../shared/priority-classes.ts';
import { consumerFunctionName } from '../../cdk/pipeline-naming.ts';
import { ALARM_SEVERITY } from '../../cdk/pipeline-alarms.ts';
import { DemoStack } from '../../examples/demo/infra/demo-stack.ts';
import {
  DISPATCHER_FIXTURE_ENTRY,
  FIXTURE_ENTRY,
  dashboardWidgets,
  logicalIdWhere,
  resourceById,
  resourcesOfType,
  statementsOf,
  synthesizeDemo,
  type CfnResource,
  type Json,
  type SynthesizedPipeline,
} from './pipeline-template.ts';

const PREFIX = `${pipelineSettings.namePrefix}-dev`;
const NAMESPACE = 'SqsJobs/dev';
const classNames = Object.keys(defaultPriorityClasses);
const { thresholds } = pipelineSettings;

/** Written out, so a change of severity shows up here as a decision. */
const CLASS_ALARMS = {
  'queue-depth-warning': 'warning',
  'queue-depth-critical': 'critical',
  'wait-time': 'warning',
  'dead-letter-queue': 'warning',
  'consumer-errors': 'critical',
  'consumer-throttles': 'warning',
  'failure-rate-warning': 'warning',
  'failure-rate-critical': 'critical',
  'message-lost': 'critical',
} as const;
const PIPELINE_ALARMS = {
  'job-table-throttles': 'warning',
  'job-table-system-errors': 'critical',
  'schedule-dead-letter-queue': 'critical',
  'delay-dispatcher-errors': 'critical',
  'delay-dispatcher-not-running': 'critical',
  heartbeat: 'critical',
} as const;

let synth: SynthesizedPipeline;
let topics: { critical: string; warning: string };
let tableId: string;

const resource = (id: string): CfnResource => resourceById(synth.json, id);
const alarmNamed = (name: string): CfnResource =>
  resource(logicalIdWhere(synth.json, 'AWS::CloudWatch::Alarm', 'AlarmName', `${PREFIX}-${name}`));
const queueId = (name: string) => logicalIdWhere(synth.json, 'AWS::SQS::Queue', 'QueueName', name);
const fnId = (className: string) =>
  logicalIdWhere(synth.json, 'AWS::Lambda::Function', 'FunctionName', consumerFunctionName(PREFIX, className));

beforeAll(() => {
  synth = synthesizeDemo();
  topics = {
    critical: logicalIdWhere(synth.json, 'AWS::SNS::Topic', 'TopicName', `${PREFIX}-alarms`),
    warning: logicalIdWhere(synth.json, 'AWS::SNS::Topic', 'TopicName', `${PREFIX}-alarms-warning`),
  };
  tableId = logicalIdWhere(synth.json, 'AWS::DynamoDB::Table', 'TableName', tableName(PREFIX));
});

describe('routing by severity', () => {
  it('creates nine alarms per class and six for the table, schedules, dispatcher and the demo heartbeat', () => {
    const names = resourcesOfType(synth.json, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties['AlarmName']).sort();
    const expected = [
      ...classNames.flatMap((className) => Object.keys(CLASS_ALARMS).map((alarm) => `${PREFIX}-${className}-${alarm}`)),
      ...Object.keys(PIPELINE_ALARMS).map((alarm) => `${PREFIX}-${alarm}`),
    ].sort();
    expect(names).toEqual(expected);
    expect(names).toHaveLength(9 * classNames.length + 6);
  });

  it('sends every alarm, on ALARM and OK, to the topic of its severity, and says the severity', () => {
    const severities: Array<[string, 'critical' | 'warning']> = [
      ...classNames.flatMap((className) =>
        Object.entries(CLASS_ALARMS).map(([alarm, severity]): [string, 'critical' | 'warning'] => [`${className}-${alarm}`, severity]),
      ),
      ...Object.entries(PIPELINE_ALARMS),
    ];
    for (const [name, severity] of severities) {
      const props = alarmNamed(name).Properties;
      expect(props['AlarmActions'], name).toEqual([{ Ref: topics[severity] }]);
      expect(props['OKActions'], name).toEqual([{ Ref: topics[severity] }]);
    }
    expect(alarmNamed('default-failure-rate-critical').Properties['AlarmDescription']).toMatch(/^\[critical\] /);
    expect(alarmNamed('default-wait-time').Properties['AlarmDescription']).toMatch(/^\[warning\] /);
  });

  it('keeps a dead letter off the pager: an expected failure (a 404 webhook) lands there too', () => {
    expect(ALARM_SEVERITY.deadLetterQueue).toBe('warning');
    expect(ALARM_SEVERITY.failureRateCritical).toBe('critical');
  });

  it('treats missing data as fine, except where silence is the incident', () => {
    for (const [, alarm] of resourcesOfType(synth.json, 'AWS::CloudWatch::Alarm')) {
      const silenceAlarms = [`${PREFIX}-delay-dispatcher-not-running`, `${PREFIX}-heartbeat`];
      const missing = silenceAlarms.includes(alarm.Properties['AlarmName'] as string) ? 'breaching' : 'notBreaching';
      expect(alarm.Properties['TreatMissingData']).toBe(missing);
    }
  });
});

describe('class alarms', () => {
  it.each(classNames)('%s: queue depth warning and critical', (className) => {
    const dimensions = [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId(queueName(PREFIX, className)), 'QueueName'] } }];
    for (const [alarm, threshold] of [
      ['queue-depth-warning', thresholds.queueDepth.warning],
      ['queue-depth-critical', thresholds.queueDepth.critical],
    ] as const) {
      expect(alarmNamed(`${className}-${alarm}`).Properties).toMatchObject({
        Namespace: 'AWS/SQS',
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Dimensions: dimensions,
        Statistic: 'Maximum',
        Period: 60,
        Threshold: threshold,
        ComparisonOperator: 'GreaterThanOrEqualToThreshold',
        EvaluationPeriods: 5,
      });
    }
  });

  it.each(classNames)('%s: p99 wait from due time to start above 300 s, from the EMF metric', (className) => {
    expect(alarmNamed(`${className}-wait-time`).Properties).toMatchObject({
      Namespace: NAMESPACE,
      MetricName: 'JobWaitTime',
      Dimensions: [{ Name: 'JobClass', Value: className }],
      ExtendedStatistic: 'p99',
      Period: 300,
      Threshold: 300_000, // JobWaitTime is in milliseconds
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
    });
    expect(thresholds.waitTimeSeconds).toBe(300);
  });

  it('has no alarm on the age of the oldest message, whose threshold had to cover a whole retry span', () => {
    const metrics = resourcesOfType(synth.json, 'AWS::CloudWatch::Alarm').map(([, a]) => a.Properties['MetricName']);
    expect(metrics).not.toContain('ApproximateAgeOfOldestMessage');
  });

  it.each(classNames)('%s: DLQ not empty, Maximum over 1-minute periods', (className) => {
    expect(alarmNamed(`${className}-dead-letter-queue`).Properties).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [queueId(deadLetterQueueName(PREFIX, className)), 'QueueName'] } }],
      Statistic: 'Maximum',
      Period: 60,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      EvaluationPeriods: 1,
    });
  });

  it.each(classNames)('%s: consumer errors and throttles', (className) => {
    for (const [alarm, metricName] of [
      ['consumer-errors', 'Errors'],
      ['consumer-throttles', 'Throttles'],
    ] as const) {
      expect(alarmNamed(`${className}-${alarm}`).Properties).toMatchObject({
        Namespace: 'AWS/Lambda',
        MetricName: metricName,
        Dimensions: [{ Name: 'FunctionName', Value: { Ref: fnId(className) } }],
        Statistic: 'Sum',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      });
    }
  });

  it.each(classNames)('%s: any lost message, from the sweeper metric', (className) => {
    expect(alarmNamed(`${className}-message-lost`).Properties).toMatchObject({
      Namespace: NAMESPACE,
      MetricName: 'JobMessageLost',
      Dimensions: [{ Name: 'JobClass', Value: className }],
      Statistic: 'Sum',
      Period: 300,
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
    });
  });

  it.each(classNames)('%s: failure rate from the stage EMF metrics at 5 % and 10 %, from 10 jobs on', (className) => {
    const emf = (metricName: string) =>
      Match.objectLike({
        MetricStat: {
          Metric: { Namespace: NAMESPACE, MetricName: metricName, Dimensions: [{ Name: 'JobClass', Value: className }] },
          Period: 300,
          Stat: 'Sum',
        },
        ReturnData: false,
      });
    for (const [alarm, threshold] of [
      ['failure-rate-warning', thresholds.failureRate.warning],
      ['failure-rate-critical', thresholds.failureRate.critical],
    ] as const) {
      const props = alarmNamed(`${className}-${alarm}`).Properties;
      expect(props['Threshold']).toBe(threshold);
      expect(props['ComparisonOperator']).toBe('GreaterThanOrEqualToThreshold');
      synth.template.hasResourceProperties('AWS::CloudWatch::Alarm', {
        AlarmName: `${PREFIX}-${className}-${alarm}`,
        Metrics: Match.arrayWith([
          Match.objectLike({
            Expression:
              'IF((FILL(completed, 0) + FILL(failed, 0)) >= 10, FILL(failed, 0) / (FILL(completed, 0) + FILL(failed, 0)), 0)',
            ReturnData: true,
          }),
          emf('JobFailed'),
          emf('JobCompleted'),
        ]),
      });
    }
  });
});

describe('heartbeat', () => {
  it("alarms, critical, when the demo's 5-minute heartbeat job has not completed for 15 minutes", () => {
    // Built, not synthesized (no bundling): the class comes from the demo's `heartbeat` schedule.
    const stack = new DemoStack(new App({ context: { [BUNDLING_STACKS]: [] } }), 'Heartbeat', {
      consumerEntry: FIXTURE_ENTRY,
      dispatcherEntry: DISPATCHER_FIXTURE_ENTRY,
      heartbeat: { job: 'demo.sleep', withinMinutes: 15 },
    });
    const alarm = stack.pipeline.alarms.heartbeat?.node.defaultChild as CfnAlarm;
    expect(stack.resolve(alarm.dimensions)).toEqual([
      { name: 'JobClass', value: 'high-priority' },
      { name: 'JobName', value: 'demo.sleep' },
    ]);
    expect(alarm).toMatchObject({
      alarmName: `${PREFIX}-heartbeat`,
      namespace: NAMESPACE,
      metricName: 'JobCompleted',
      period: 60,
      evaluationPeriods: 15,
      datapointsToAlarm: 15,
      threshold: 1,
      comparisonOperator: 'LessThanThreshold',
      treatMissingData: 'breaching',
    });
    expect(stack.resolve(alarm.alarmActions)).toEqual([{ Ref: stack.getLogicalId(stack.pipeline.alarms.topic.node.defaultChild as never) }]);
  });
});

describe('job table alarms', () => {
  interface MetricQuery {
    readonly Id: string;
    readonly Expression?: string;
    readonly MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions: Json[] }; Period: number; Stat: string };
  }
  const queries = (name: string) => alarmNamed(name).Properties['Metrics'] as unknown as MetricQuery[];
  const table = { Name: 'TableName', Value: { Ref: '' } };
  const byName = (dimensions: Json[]) => [...dimensions].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  beforeAll(() => {
    table.Value.Ref = tableId;
  });

  it('sums read and write throttle events of the table and of each index, per 5 minutes, above 0', () => {
    const stats = queries('job-table-throttles').filter((q) => q.MetricStat);
    const seen = stats.map((q) => {
      expect(q.MetricStat).toMatchObject({ Metric: { Namespace: 'AWS/DynamoDB' }, Period: 300, Stat: 'Sum' });
      return [q.MetricStat?.Metric.MetricName, byName(q.MetricStat?.Metric.Dimensions ?? [])];
    });
    const expected = [undefined, ...Object.values(jobTable.indexes).map((index) => index.name)].flatMap((index) =>
      ['ReadThrottleEvents', 'WriteThrottleEvents'].map((metricName) => [
        metricName,
        index === undefined ? [table] : byName([table, { Name: 'GlobalSecondaryIndexName', Value: index }]),
      ]),
    );
    expect(seen).toEqual(expect.arrayContaining(expected));
    expect(seen).toHaveLength(4);
    const [expression] = queries('job-table-throttles').filter((q) => q.Expression);
    expect(expression?.Expression?.split(' + ')).toHaveLength(4);
    expect(expression?.Expression).toMatch(/^FILL\(\w+, 0\)( \+ FILL\(\w+, 0\))+$/);
    expect(alarmNamed('job-table-throttles').Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
  });

  it('sums system errors over every operation the pipeline calls (DynamoDB publishes them per operation)', () => {
    const operations = queries('job-table-system-errors')
      .filter((q) => q.MetricStat)
      .map((q) => {
        expect(q.MetricStat?.Metric).toMatchObject({ Namespace: 'AWS/DynamoDB', MetricName: 'SystemErrors' });
        const dimensions = q.MetricStat?.Metric.Dimensions as Array<{ Name: string; Value: Json }>;
        expect(dimensions.find((d) => d.Name === 'TableName')).toEqual(table);
        expect(dimensions).toHaveLength(2);
        return dimensions.find((d) => d.Name === 'Operation')?.Value;
      });
    expect(operations.sort()).toEqual(['BatchGetItem', 'DeleteItem', 'GetItem', 'PutItem', 'Query', 'Scan', 'UpdateItem']);
    expect(alarmNamed('job-table-system-errors').Properties).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold' });
  });
});

describe('topics', () => {
  const conditions = {
    StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
    ArnLike: { 'aws:SourceArn': expect.objectContaining({ 'Fn::Join': expect.anything() }) },
  };

  it('encrypts both topics with one rotating key and allows only TLS and this account\'s CloudWatch alarms', () => {
    const keyIds = new Set<string>();
    for (const topicId of Object.values(topics)) {
      const key = resource(topicId).Properties['KmsMasterKeyId'] as { 'Fn::GetAtt': [string, string] };
      keyIds.add(key['Fn::GetAtt'][0]);
      const [, policy] =
        resourcesOfType(synth.json, 'AWS::SNS::TopicPolicy').find(([, p]) =>
          JSON.stringify(p.Properties['Topics']).includes(`"${topicId}"`),
        ) ?? [];
      const statements = statementsOf(policy?.Properties['PolicyDocument'] ?? null);
      expect(statements).toContainEqual(
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      );
      expect(statements).toContainEqual(
        expect.objectContaining({
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: 'sns:Publish',
          Condition: conditions,
        }),
      );
    }
    expect(keyIds.size).toBe(1);
    const [keyId] = [...keyIds];
    const key = resource(keyId ?? '').Properties;
    expect(key['EnableKeyRotation']).toBe(true);
    const cloudWatch = statementsOf(key['KeyPolicy'] ?? null).filter(
      (s) => JSON.stringify(s.Principal) === JSON.stringify({ Service: 'cloudwatch.amazonaws.com' }),
    );
    expect(cloudWatch).toEqual([
      expect.objectContaining({ Effect: 'Allow', Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Condition: conditions }),
    ]);
    const sourceArn = JSON.stringify((cloudWatch[0]?.Condition as { ArnLike: Json }).ArnLike);
    expect(sourceArn).toContain(':cloudwatch:');
    expect(sourceArn).toContain(':alarm:*');
    synth.template.resourceCountIs('AWS::SNS::Subscription', 0);
  });

  it('keeps the critical topic at its logical id and name, so a deployed stage keeps its subscriptions', () => {
    expect(topics.critical).toMatch(/^PipelineAlarmsTopic[0-9A-F]{8}$/);
    expect(synth.stack.pipeline.alarms.topic.node.path).toBe('PipelineTest/Pipeline/Alarms/Topic');
    expect(synth.stack.pipeline.alarms.topicFor('warning')).toBe(synth.stack.pipeline.alarms.warningTopic);
  });
});

describe('dashboard', () => {
  it('has a block per class: depth, oldest-message age, DLQ, throughput, duration and wait time', () => {
    const titles = dashboardWidgets(synth.json).map((w) => w.properties.title);
    for (const className of classNames) {
      for (const title of [
        'queue depth',
        'age of oldest message (s)',
        'dead-letter queue depth',
        'jobs per minute',
        'job duration (ms)',
        'wait from due time to start (ms)',
      ]) {
        expect(titles).toContain(`${className}: ${title}`);
      }
    }
  });

  it('draws the wait-time alarm line and none on the oldest-message age', () => {
    const widget = (title: string) => dashboardWidgets(synth.json).find((w) => w.properties.title === title);
    expect(widget('default: wait from due time to start (ms)')?.properties.annotations?.horizontal).toEqual([
      { label: 'alarm (p99)', value: 300_000, yAxis: 'left' },
    ]);
    expect(widget('default: age of oldest message (s)')?.properties.annotations).toBeUndefined();
  });

  it('reads the job metrics from the stage namespace only', () => {
    const body = JSON.stringify(resourcesOfType(synth.json, 'AWS::CloudWatch::Dashboard')[0]?.[1].Properties['DashboardBody']);
    expect(body).toContain(`[\\"${NAMESPACE}\\",\\"JobCompleted\\"`);
    expect(body).toContain(`[\\"${NAMESPACE}\\",\\"JobWaitTime\\"`);
    expect(body).not.toContain(`[\\"SqsJobs\\",`);
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('reports no findings', () => {
    expect(synth.nag.validateScope(synth.app).violations).toEqual([]);
  });
});
