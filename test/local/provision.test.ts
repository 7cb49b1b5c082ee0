import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  GetQueueAttributesCommand,
  ListQueuesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { DescribeTableCommand, DynamoDBClient, ListTablesCommand } from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import {
  awsClientsFor,
  endpointEnvironment,
  endpointsFromEnvironment,
  startEmulators,
  type AwsClients,
  type RunningEmulators,
} from '../../local/emulators.ts';
import { provisionPipeline, queueArn, rebaseQueueUrl } from '../../local/provision.ts';
import {
  defaultPriorityClasses,
  redriveMaxReceiveCount,
  visibilityTimeoutSeconds,
} from '../../shared/priority-classes.ts';
import { pipelineSettings } from '../../shared/pipeline-settings.ts';
import { loadPipelineConfig, pipelineEnvironment } from '../../shared/pipeline-config.ts';
import { testClass, uniqueName } from './helpers.ts';

let emulators: RunningEmulators;
let clients: AwsClients;

beforeAll(async () => {
  emulators = await startEmulators();
  clients = awsClientsFor(emulators.endpoint);
});

afterAll(async () => {
  clients?.destroy();
  await emulators?.stop();
});

async function queueAttributes(sqs: SQSClient, queueUrl: string): Promise<Record<string, string>> {
  const { Attributes } = await sqs.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }));
  return Attributes ?? {};
}

describe('startEmulators', () => {
  it('serves SQS and S3 on one endpoint and DynamoDB on another, all on 127.0.0.1', () => {
    expect(emulators.endpoint.sqs).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emulators.endpoint.s3).toBe(emulators.endpoint.sqs);
    expect(emulators.endpoint.dynamodb).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(emulators.endpoint.dynamodb).not.toBe(emulators.endpoint.sqs);
  });

  it('S3 works path-style through the client helper', async () => {
    const bucket = uniqueName('bucket');
    await clients.s3.send(new CreateBucketCommand({ Bucket: bucket }));
    await clients.s3.send(new PutObjectCommand({ Bucket: bucket, Key: 'k', Body: 'payload' }));
    const object = await clients.s3.send(new GetObjectCommand({ Bucket: bucket, Key: 'k' }));
    expect(await object.Body?.transformToString()).toBe('payload');
  });

  it('endpointEnvironment sets the SDK variables that default-configured clients read', async () => {
    const env = endpointEnvironment(emulators.endpoint);
    expect(endpointsFromEnvironment(env)).toEqual(emulators.endpoint);
    expect(endpointsFromEnvironment({ AWS_ENDPOINT_URL: 'http://other:1' })).toEqual({
      sqs: 'http://other:1',
      dynamodb: 'http://other:1',
      s3: 'http://other:1',
    });

    const config = await provisionPipeline({
      ...clients,
      prefix: uniqueName('env'),
      classes: { default: testClass() },
    });
    const saved = { ...process.env };
    Object.assign(process.env, env, pipelineEnvironment(config));
    try {
      // As a consumer builds them: no explicit endpoint, queue URLs from SQS_JOBS_QUEUES.
      const sqs = new SQSClient({});
      const dynamodb = new DynamoDBClient({});
      try {
        const loaded = loadPipelineConfig(process.env);
        const queueUrl = loaded.queues.default?.queueUrl ?? '';
        await sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'via env' }));
        const { Messages } = await sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }));
        expect(Messages?.map((m) => m.Body)).toEqual(['via env']);
        const { TableNames } = await dynamodb.send(new ListTablesCommand({}));
        expect(TableNames).toContain(config.tableName);
      } finally {
        sqs.destroy();
        dynamodb.destroy();
      }
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
    }
  });
});

describe('provisionPipeline', () => {
  const prefix = uniqueName('pipe');

  it('creates a work queue and a DLQ per class with the redrive policy, and the job table', async () => {
    const config = await provisionPipeline({ ...clients, prefix });

    expect(Object.keys(config.queues).sort()).toEqual([...Object.keys(defaultPriorityClasses)].sort());
    const { QueueUrls } = await clients.sqs.send(new ListQueuesCommand({ QueueNamePrefix: prefix }));
    expect(QueueUrls).toHaveLength(2 * Object.keys(defaultPriorityClasses).length);

    for (const [name, cls] of Object.entries(defaultPriorityClasses)) {
      const location = config.queues[name];
      if (!location) throw new Error(`no queues for ${name}`);
      expect(location.queueUrl.startsWith(emulators.endpoint.sqs)).toBe(true);
      expect(location.queueUrl.endsWith(`/${prefix}-${name}`)).toBe(true);
      expect(location.dlqUrl.endsWith(`/${prefix}-${name}-dlq`)).toBe(true);

      const queue = await queueAttributes(clients.sqs, location.queueUrl);
      expect(queue.VisibilityTimeout).toBe(String(visibilityTimeoutSeconds(cls)));
      expect(queue.MaximumMessageSize).toBe(String(pipelineSettings.maxMessageBytes));
      expect(queue.MessageRetentionPeriod).toBe(String(pipelineSettings.queueRetentionDays * 86_400));
      expect(JSON.parse(queue.RedrivePolicy ?? '{}')).toEqual({
        deadLetterTargetArn: await queueArn(clients.sqs, location.dlqUrl),
        maxReceiveCount: redriveMaxReceiveCount(cls),
      });

      const dlq = await queueAttributes(clients.sqs, location.dlqUrl);
      expect(dlq.MessageRetentionPeriod).toBe(String(pipelineSettings.dlqRetentionDays * 86_400));
      expect(dlq.RedrivePolicy).toBeUndefined();
    }

    const { Table } = await clients.dynamodb.send(new DescribeTableCommand({ TableName: config.tableName }));
    expect(config.tableName).toBe(`${prefix}-jobs`);
    expect(Table?.TableStatus).toBe('ACTIVE');
    expect(Table?.KeySchema).toEqual([{ AttributeName: 'id', KeyType: 'HASH' }]);
    expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
    const indexes = Object.fromEntries(
      (Table?.GlobalSecondaryIndexes ?? []).map((index) => [
        index.IndexName,
        { keys: index.KeySchema, projection: index.Projection?.ProjectionType },
      ]),
    );
    expect(indexes).toEqual({
      byStatus: {
        keys: [
          { AttributeName: 'statusShard', KeyType: 'HASH' },
          { AttributeName: 'statusAt', KeyType: 'RANGE' },
        ],
        projection: 'KEYS_ONLY',
      },
    });
  });

  it('is idempotent: a second run returns the same configuration', async () => {
    const first = await provisionPipeline({ ...clients, prefix });
    const second = await provisionPipeline({ ...clients, prefix });
    expect(second).toEqual(first);
  });

  it('brings an existing queue up to date when a class changes', async () => {
    const changedPrefix = uniqueName('changed');
    await provisionPipeline({ ...clients, prefix: changedPrefix, classes: { default: testClass({ timeoutSeconds: 5 }) } });
    const config = await provisionPipeline({
      ...clients,
      prefix: changedPrefix,
      classes: { default: testClass({ timeoutSeconds: 2 }) },
    });
    const queue = await queueAttributes(clients.sqs, config.queues.default?.queueUrl ?? '');
    expect(queue.VisibilityTimeout).toBe('12');
  });
});

describe('provisionPipeline with persistence', () => {
  it('survives an emulator restart on the same data directory', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'sqs-jobs-local-'));
    const classes = { default: testClass() };
    try {
      let running = await startEmulators({ dataDir });
      let local = awsClientsFor(running.endpoint);
      const before = await provisionPipeline({ ...local, classes, prefix: 'persist' });
      await local.sqs.send(
        new SendMessageCommand({ QueueUrl: before.queues.default?.queueUrl ?? '', MessageBody: 'kept' }),
      );
      local.destroy();
      await running.stop();

      running = await startEmulators({ dataDir });
      local = awsClientsFor(running.endpoint);
      try {
        const after = await provisionPipeline({ ...local, classes, prefix: 'persist' });
        // New ports, so new URLs; same queues and table.
        const queueUrl = after.queues.default?.queueUrl ?? '';
        expect(queueUrl.startsWith(running.endpoint.sqs)).toBe(true);
        expect(after.tableName).toBe(before.tableName);
        const { Messages } = await local.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 1 }));
        expect(Messages?.map((m) => m.Body)).toEqual(['kept']);
      } finally {
        local.destroy();
        await running.stop();
      }
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('rebaseQueueUrl', () => {
  it('moves a queue URL onto the explicit endpoint and leaves it alone without one', () => {
    const url = 'http://sqs.us-east-1.localhost:4566/000000000000/q';
    expect(rebaseQueueUrl(url, 'http://127.0.0.1:9000')).toBe('http://127.0.0.1:9000/000000000000/q');
    expect(rebaseQueueUrl(url, undefined)).toBe(url);
    expect(rebaseQueueUrl('http://127.0.0.1:9000/000000000000/q', 'http://127.0.0.1:9000')).toBe(
      'http://127.0.0.1:9000/000000000000/q',
    );
  });
});
