/**
 * The demo app's stack (default classes, the demo's schedules, its report bucket), synthesized
 * once with esbuild bundling and the cdk-nag AwsSolutions pack, as its CDK app builds it. The
 * schedules, the delay dispatcher and the alarms have their own files.
 */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Validations } from 'aws-cdk-lib';
import { beforeAll, describe, expect, it } from 'vitest';
import { jobTable } from '../../shared/job-table.ts';
import { REPORT_BUCKET_ENV, generateReport } from '../../examples/demo/src/jobs/generate-report.ts';
import { ENV_CONSUMER_CLASS, ENV_QUEUES, ENV_TABLE_NAME } from '../../shared/pipeline-config.ts';
import { deadLetterQueueName, pipelineSettings, queueName, tableName } from '../../shared/pipeline-settings.ts';
import {
  defaultPriorityClasses,
  redriveMaxReceiveCount,
  visibilityTimeoutSeconds,
  type PriorityClass,
} from '../../shared/priority-classes.ts';
import { consumerFunctionName } from '../../cdk/pipeline-naming.ts';
import { TRACING_WILDCARD_REASON } from '../../cdk/tracing.ts';
import {
  resourceById,
  actionsOf,
  logicalIdWhere,
  referencedIds,
  resourcesOfType,
  roleStatements,
  statementsOf,
  synthesizeDemo,
  type CfnResource,
  type Json,
  type SynthesizedPipeline,
} from './pipeline-template.ts';

const PREFIX = `${pipelineSettings.namePrefix}-dev`;
/** Written out rather than derived, so a change to the naming shows up here. */
const NAMESPACE = 'SqsJobs/dev';
const classes = Object.entries(defaultPriorityClasses) as Array<[string, PriorityClass]>;
const classNames = classes.map(([name]) => name);

interface ClassIds {
  readonly queue: string;
  readonly dlq: string;
  readonly fn: string;
  readonly role: string;
  readonly logGroup: string;
}

let synth: SynthesizedPipeline;
let ids: Map<string, ClassIds>;
let tableId: string;

const resource = (id: string): CfnResource => resourceById(synth.json, id);

function idsOf(className: string): ClassIds {
  const found = ids.get(className);
  if (!found) throw new Error(`no ids for ${className}`);
  return found;
}

beforeAll(() => {
  synth = synthesizeDemo();
  const { json } = synth;
  tableId = logicalIdWhere(json, 'AWS::DynamoDB::Table', 'TableName', tableName(PREFIX));
  ids = new Map();
  for (const [className] of classes) {
    const fn = logicalIdWhere(json, 'AWS::Lambda::Function', 'FunctionName', consumerFunctionName(PREFIX, className));
    const fnProps = resource(fn).Properties;
    const [role] = referencedIds(fnProps['Role'] ?? null);
    const [logGroup] = referencedIds(fnProps['LoggingConfig'] ?? null);
    if (!role || !logGroup) throw new Error(`${className}: consumer without role or log group`);
    ids.set(className, {
      queue: logicalIdWhere(json, 'AWS::SQS::Queue', 'QueueName', queueName(PREFIX, className)),
      dlq: logicalIdWhere(json, 'AWS::SQS::Queue', 'QueueName', deadLetterQueueName(PREFIX, className)),
      fn,
      role,
      logGroup,
    });
  }
});

describe('queues', () => {
  it('creates a work queue and a DLQ per class, plus the schedule DLQ', () => {
    synth.template.resourceCountIs('AWS::SQS::Queue', 2 * classes.length + 1);
    expect(logicalIdWhere(synth.json, 'AWS::SQS::Queue', 'QueueName', `${PREFIX}-schedule-dlq`)).toBeTruthy();
  });

  it.each(classes)('%s: redrives to its own DLQ after redriveMaxReceiveCount receives', (className, cls) => {
    const { queue, dlq } = idsOf(className);
    expect(resource(queue).Properties['RedrivePolicy']).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] },
      maxReceiveCount: redriveMaxReceiveCount(cls),
    });
  });

  it.each(classes)('%s: visibility timeout is 6× the consumer timeout', (className, cls) => {
    const { queue, fn } = idsOf(className);
    const visibility = resource(queue).Properties['VisibilityTimeout'];
    const timeout = resource(fn).Properties['Timeout'];
    expect(visibility).toBe(visibilityTimeoutSeconds(cls));
    expect(timeout).toBe(cls.timeoutSeconds);
    expect(Number(visibility)).toBeGreaterThanOrEqual(6 * Number(timeout));
  });

  it.each(classes)('%s: both queues use SSE-SQS (not a KMS key), the size limit and their retention', (className) => {
    const { queue, dlq } = idsOf(className);
    for (const [id, days] of [
      [queue, pipelineSettings.queueRetentionDays],
      [dlq, pipelineSettings.dlqRetentionDays],
    ] as const) {
      const props = resource(id).Properties;
      expect(props['SqsManagedSseEnabled']).toBe(true);
      expect(props['KmsMasterKeyId']).toBeUndefined();
      expect(props['MaximumMessageSize']).toBe(pipelineSettings.maxMessageBytes);
      expect(props['MessageRetentionPeriod']).toBe(days * 86_400);
    }
    expect(pipelineSettings.dlqRetentionDays).toBe(14);
    // The maximum: low-priority's worst-case span (354600 s) outlives 4 days (shared/queue-span.ts).
    expect(pipelineSettings.queueRetentionDays).toBe(14);
    expect(resource(queue).Properties['MessageRetentionPeriod']).toBe(1_209_600);
  });

  it('every queue has a policy denying requests without TLS', () => {
    const covered = new Set<string>();
    for (const [, policy] of resourcesOfType(synth.json, 'AWS::SQS::QueuePolicy')) {
      const denies = statementsOf(policy.Properties['PolicyDocument'] ?? null).filter(
        (s) =>
          s.Effect === 'Deny' &&
          s.Principal !== undefined &&
          JSON.stringify(s.Principal).includes('*') &&
          JSON.stringify(s.Condition) === JSON.stringify({ Bool: { 'aws:SecureTransport': 'false' } }),
      );
      if (denies.length > 0) for (const id of referencedIds(policy.Properties['Queues'] ?? null)) covered.add(id);
    }
    const allQueues = classNames.flatMap((name) => [idsOf(name).queue, idsOf(name).dlq]);
    allQueues.push(logicalIdWhere(synth.json, 'AWS::SQS::Queue', 'QueueName', `${PREFIX}-schedule-dlq`));
    expect([...covered].sort()).toEqual(allQueues.sort());
  });
});

describe('consumers', () => {
  it.each(classes)('%s: event source mapping batches, reports item failures and caps concurrency', (className, cls) => {
    const { queue, fn } = idsOf(className);
    const mappings = resourcesOfType(synth.json, 'AWS::Lambda::EventSourceMapping').filter(([, m]) =>
      referencedIds(m.Properties['EventSourceArn'] ?? null).has(queue),
    );
    expect(mappings).toHaveLength(1);
    const props = mappings[0]?.[1].Properties ?? {};
    expect(referencedIds(props['FunctionName'] ?? null)).toEqual(new Set([fn]));
    expect(props['BatchSize']).toBe(cls.batchSize);
    expect(props['MaximumBatchingWindowInSeconds']).toBe(cls.batchWindowSeconds > 0 ? cls.batchWindowSeconds : undefined);
    expect(props['FunctionResponseTypes']).toEqual(['ReportBatchItemFailures']);
    expect(props['ScalingConfig']).toEqual({ MaximumConcurrency: cls.maxConcurrency });
  });

  it.each(classes)('%s: nodejs24.x on arm64 with the catalog memory and timeout', (className, cls) => {
    const props = resource(idsOf(className).fn).Properties;
    expect(props).toMatchObject({
      Runtime: 'nodejs24.x',
      Architectures: ['arm64'],
      MemorySize: cls.memoryMb,
      Timeout: cls.timeoutSeconds,
      Handler: 'index.handler',
      TracingConfig: { Mode: 'Active' },
    });
  });

  it.each(classes)('%s: environment names the table, its class and only its own queues', (className) => {
    const { queue, dlq } = idsOf(className);
    const variables = (resource(idsOf(className).fn).Properties['Environment'] as { Variables: Record<string, Json> })
      .Variables;
    expect(variables[ENV_TABLE_NAME]).toEqual({ Ref: tableId });
    expect(variables[ENV_CONSUMER_CLASS]).toBe(className);
    expect(variables['POWERTOOLS_METRICS_NAMESPACE']).toBe(NAMESPACE);
    expect(variables['POWERTOOLS_SERVICE_NAME']).toBe(PREFIX);
    expect(variables['NODE_OPTIONS']).toBe('--enable-source-maps');
    const queues = variables[ENV_QUEUES] ?? null;
    expect(referencedIds(queues)).toEqual(new Set([queue, dlq]));
    expect(JSON.stringify(queues)).toContain(`{\\"${className}\\":{\\"queueUrl\\":\\"`);
  });

  it.each(classes)('%s: logs to its own log group with a retention', (className) => {
    const props = resource(idsOf(className).logGroup).Properties;
    expect(props['LogGroupName']).toBe(`/aws/lambda/${consumerFunctionName(PREFIX, className)}`);
    expect(props['RetentionInDays']).toBe(30);
  });

  it('bundles an ESM module with a source map', () => {
    const code = resource(idsOf(classNames[0] ?? '').fn).Properties['Code'] as { S3Key: string };
    const assetDir = join(synth.assemblyDir, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
    expect(existsSync(join(assetDir, 'index.mjs.map'))).toBe(true);
    const bundle = readFileSync(join(assetDir, 'index.mjs'), 'utf8');
    expect(bundle).toMatch(/export\s*\{/);
    expect(bundle).toContain('sourceMappingURL=index.mjs.map');
  });
});

describe('consumer permissions', () => {
  it.each(classes)('%s: role has no managed policies', (className) => {
    const role = resource(idsOf(className).role).Properties;
    expect(role['ManagedPolicyArns']).toBeUndefined();
  });

  it.each(classes)('%s: policies name only its own queue, DLQ, log group and the table', (className) => {
    const own = idsOf(className);
    const statements = roleStatements(synth.json, own.role);
    const named = new Set(statements.flatMap((s) => [...referencedIds(s.Resource)]));
    // The class that runs the example report job may also write its CSVs, and nothing else may.
    const bucket = resourcesOfType(synth.json, 'AWS::S3::Bucket')[0]![0];
    const runsReports = className === generateReport.class;
    expect(named).toEqual(new Set([own.queue, own.dlq, own.logGroup, tableId, ...(runsReports ? [bucket] : [])]));
    for (const other of classNames.filter((name) => name !== className)) {
      expect(named.has(idsOf(other).queue), `names ${other}'s queue`).toBe(false);
      expect(named.has(idsOf(other).dlq), `names ${other}'s DLQ`).toBe(false);
    }
    for (const statement of statements) {
      expect(statement.Effect).toBe('Allow');
      if (referencedIds(statement.Resource).has(bucket)) {
        expect(actionsOf(statement)).toEqual(['s3:PutObject']);
        expect(JSON.stringify(statement.Resource)).toContain('/reports/*');
      } else if (statement.Resource === '*') {
        // X-Ray's two actions have no resource-level permissions (cdk/tracing.ts).
        expect(actionsOf(statement).sort()).toEqual(['xray:PutTelemetryRecords', 'xray:PutTraceSegments']);
      } else {
        expect(JSON.stringify(statement.Resource)).not.toContain('*');
      }
    }
  });

  it('tells every consumer where the report bucket is', () => {
    const bucket = resourcesOfType(synth.json, 'AWS::S3::Bucket')[0]![0];
    for (const className of classNames) {
      const fn = synth.json.Resources[idsOf(className).fn] as unknown as { Properties: { Environment: { Variables: Record<string, Json> } } };
      expect(referencedIds(fn.Properties.Environment.Variables[REPORT_BUCKET_ENV] as Json)).toEqual(new Set([bucket]));
    }
  });

  it.each(classes)('%s: may consume and re-send to its queue, only send to its DLQ, and use three table actions', (className) => {
    const own = idsOf(className);
    const statements = roleStatements(synth.json, own.role);
    const actionsOn = (id: string): string[] =>
      statements.filter((s) => referencedIds(s.Resource).has(id)).flatMap(actionsOf).sort();
    // No GetQueueUrl: the consumer has its queue URLs from the environment. SendMessage: a
    // redriven DLQ copy re-arms its job by sending the next generation to the work queue.
    expect(actionsOn(own.queue)).toEqual(
      [
        'sqs:ChangeMessageVisibility',
        'sqs:DeleteMessage',
        'sqs:GetQueueAttributes',
        'sqs:ReceiveMessage',
        'sqs:SendMessage',
      ].sort(),
    );
    expect(actionsOn(own.dlq)).toEqual(['sqs:SendMessage']);
    // No Query: a consumer reads jobs by key only.
    expect(actionsOn(tableId)).toEqual(['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem']);
    expect(actionsOn(own.logGroup)).toEqual(['logs:CreateLogStream', 'logs:PutLogEvents']);
    expect(statements.flatMap(actionsOf)).not.toContain('dynamodb:Query');
    expect(JSON.stringify(statements)).not.toContain('/index/');
  });

  it.each(classes)('%s: may send X-Ray traces, on "*" as X-Ray requires, nothing else on "*"', (className) => {
    const wildcard = roleStatements(synth.json, idsOf(className).role).filter((s) => s.Resource === '*');
    expect(wildcard.map((s) => actionsOf(s).sort())).toEqual([['xray:PutTelemetryRecords', 'xray:PutTraceSegments']]);
  });
});

describe('job table', () => {
  it('is on demand, PITR, encrypted, with TTL, both KEYS_ONLY indexes and retained', () => {
    const table = resource(tableId);
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      DeletionProtectionEnabled: true,
    });
    const indexes = table.Properties['GlobalSecondaryIndexes'];
    expect(indexes).toEqual(
      Object.values(jobTable.indexes).map((index) => ({
        IndexName: index.name,
        KeySchema: [
          { AttributeName: index.partitionKey, KeyType: 'HASH' },
          { AttributeName: index.sortKey, KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'KEYS_ONLY' },
      })),
    );
  });
});

describe('enqueue access and outputs', () => {
  it('enqueue policy sends to every work queue (no DLQ) and writes the table', () => {
    const [, policy] = resourcesOfType(synth.json, 'AWS::IAM::ManagedPolicy')[0] ?? [];
    const statements = statementsOf(policy?.Properties['PolicyDocument'] ?? null);
    const send = statements.find((s) => actionsOf(s).includes('sqs:SendMessage'));
    expect(actionsOf(send ?? { Effect: '', Action: [], Resource: null })).toEqual(['sqs:SendMessage']);
    expect(referencedIds(send?.Resource ?? null)).toEqual(new Set(classNames.map((name) => idsOf(name).queue)));
    const table = statements.find((s) => referencedIds(s.Resource).has(tableId));
    expect(actionsOf(table ?? { Effect: '', Action: [], Resource: null }).sort()).toEqual(
      ['dynamodb:DeleteItem', 'dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem'].sort(),
    );
    expect(statements).toHaveLength(2);
  });

  it('outputs the table name, SQS_JOBS_QUEUES, queue URLs per class and the topic ARN', () => {
    const outputs = synth.json.Outputs;
    expect(outputs['SqsJobsTableName']?.Value).toEqual({ Ref: tableId });
    const queues = outputs['SqsJobsQueues']?.Value ?? null;
    expect(referencedIds(queues)).toEqual(new Set(classNames.flatMap((name) => [idsOf(name).queue, idsOf(name).dlq])));
    expect(outputs['QueueUrlHighPriority']?.Value).toEqual({ Ref: idsOf('high-priority').queue });
    expect(outputs['DlqUrlLowPriority']?.Value).toEqual({ Ref: idsOf('low-priority').dlq });
    expect(outputs['QueueUrlDefault']?.Value).toEqual({ Ref: idsOf('default').queue });
    expect(Object.keys(outputs).filter((key) => /^(QueueUrl|DlqUrl)/.test(key))).toHaveLength(2 * classes.length);
    expect(outputs['AlarmTopicArn']?.Value).toEqual({
      Ref: logicalIdWhere(synth.json, 'AWS::SNS::Topic', 'TopicName', `${PREFIX}-alarms`),
    });
    expect(outputs['WarningAlarmTopicArn']?.Value).toEqual({
      Ref: logicalIdWhere(synth.json, 'AWS::SNS::Topic', 'TopicName', `${PREFIX}-alarms-warning`),
    });
    expect(outputs['MetricNamespace']?.Value).toBe(NAMESPACE);
    expect(synth.stack.pipeline.metricNamespace).toBe(NAMESPACE);
  });
});

describe('cdk-nag AwsSolutions', () => {
  it('reports no findings', () => {
    expect(synth.nag.validateScope(synth.app).violations).toEqual([]);
  });

  // Every finding is fixed rather than waived (class DLQs pass SQS3 because they are used as
  // DLQs), except SQS3 on the schedule DLQ (cdk-nag does not see Scheduler's DeadLetterConfig)
  // and IAM5 for X-Ray's "*" on each traced function's role. An acknowledgement added later
  // must name its rule here and carry a reason.
  it('acknowledges only what it must (report bucket logging, report object keys, X-Ray, schedule DLQ), with reasons', () => {
    const acknowledged: Array<{ path: string; id: string; reason: string }> = [];
    for (const construct of synth.app.node.findAll()) {
      for (const entry of construct.node.metadata) {
        if (entry.type !== Validations.ACKNOWLEDGED_RULES_METADATA_KEY) continue;
        for (const [id, reason] of Object.entries(entry.data as Record<string, string>)) {
          acknowledged.push({ path: construct.node.path, id, reason });
        }
      }
    }
    const xray = (scope: string) => [`PipelineTest/Pipeline/${scope}/Role/DefaultPolicy`, 'AwsSolutions-IAM5[Resource::*]'];
    expect(acknowledged.map((a) => [a.path, a.id.replace(/^annotation::/i, '')])).toEqual([
      ['PipelineTest/ReportBucket', 'AwsSolutions-S1'],
      xray('ClassHighPriority/Consumer'),
      xray('ClassDefault/Consumer'),
      xray('ClassNotifications/Consumer'),
      xray('ClassReports/Consumer'),
      ['PipelineTest/Pipeline/ClassReports/Consumer/Role/DefaultPolicy', expect.stringMatching(/^AwsSolutions-IAM5\[Resource::<ReportBucket\w+\.Arn>\/reports\/\*\]$/)],
      xray('ClassLowPriority/Consumer'),
      ['PipelineTest/Pipeline/Schedules/DeadLetterQueue', 'AwsSolutions-SQS3'],
      xray('DelayDispatcher'),
    ]);
    for (const { reason } of acknowledged) expect(reason.length).toBeGreaterThan(20);
    const xrayReasons = acknowledged.filter((a) => a.id.endsWith('IAM5[Resource::*]')).map((a) => a.reason);
    expect(new Set(xrayReasons)).toEqual(new Set([TRACING_WILDCARD_REASON]));
  });
});
