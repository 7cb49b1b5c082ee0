/**
 * Creates what the CDK stack creates, with plain API calls, so the local runtime (and any other
 * endpoint: fauxqs/dynalite, moto, LocalStack, a scratch AWS account) gets the same pipeline:
 * per class a dead-letter queue and a work queue with a redrive policy, plus the job table.
 *
 * Idempotent: a second run (for example against persisted emulator state) finds the resources,
 * brings queue attributes up to date and returns the same configuration.
 *
 * @example
 * const config = await provisionPipeline({ sqs, dynamodb });
 * Object.assign(process.env, pipelineEnvironment(config));
 */
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  SetQueueAttributesCommand,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  UpdateTimeToLiveCommand,
  type DynamoDBClient,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import {
  defaultPriorityClasses,
  redriveMaxReceiveCount,
  visibilityTimeoutSeconds,
  type PriorityClass,
} from '../shared/priority-classes.ts';
import {
  deadLetterQueueName,
  pipelineSettings,
  queueName,
  tableName as jobTableName,
} from '../shared/pipeline-settings.ts';
import { jobTable } from '../shared/job-table.ts';
import type { PipelineConfig, QueueLocation } from '../shared/pipeline-config.ts';

export interface ProvisionOptions {
  readonly sqs: SQSClient;
  readonly dynamodb: DynamoDBClient;
  /** Classes to create queues for; tests pass tiny timeouts here. Default: the catalog. */
  readonly classes?: Readonly<Record<string, PriorityClass>>;
  /** Name prefix of queues and table. Default: `pipelineSettings.namePrefix`. */
  readonly prefix?: string;
  /** How long to wait for the table and its indexes to become ACTIVE (real AWS: ~10–60 s). */
  readonly tableActiveTimeoutMs?: number;
}

const DAY_SECONDS = 86_400;

export async function provisionPipeline(options: ProvisionOptions): Promise<PipelineConfig> {
  const { sqs, dynamodb } = options;
  const classes = options.classes ?? defaultPriorityClasses;
  const prefix = options.prefix ?? pipelineSettings.namePrefix;

  const origin = await explicitEndpointOrigin(sqs);
  const entries = await Promise.all(
    Object.entries(classes).map(async ([className, cls]) => {
      const { queueUrl, dlqUrl } = await provisionClassQueues(sqs, prefix, className, cls);
      const location: QueueLocation = {
        queueUrl: rebaseQueueUrl(queueUrl, origin),
        dlqUrl: rebaseQueueUrl(dlqUrl, origin),
      };
      return [className, location] as const;
    }),
  );
  const table = jobTableName(prefix);
  await provisionJobTable(dynamodb, table, options.tableActiveTimeoutMs ?? 120_000);
  return { tableName: table, queues: Object.fromEntries(entries) };
}

/** The queue's ARN (the event source and the redrive policy need it; URLs are not ARNs). */
export async function queueArn(sqs: SQSClient, queueUrl: string): Promise<string> {
  const { Attributes } = await sqs.send(
    new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['QueueArn'] }),
  );
  const arn = Attributes?.QueueArn;
  if (!arn) throw new Error(`GetQueueAttributes returned no QueueArn for ${queueUrl}`);
  return arn;
}

/**
 * The origin of the endpoint the SQS client was explicitly given, if any. With one, the SDK
 * sends every request there whatever host the queue URL names.
 */
async function explicitEndpointOrigin(sqs: SQSClient): Promise<string | undefined> {
  const provider = sqs.config.endpoint;
  if (!provider) return undefined;
  const { protocol, hostname, port } = await provider();
  return `${protocol}//${hostname}${port ? `:${port}` : ''}`;
}

/**
 * Queue URL on the client's explicit endpoint. fauxqs hands out `http://sqs.<region>.localhost:
 * <port>/…` URLs: `*.localhost` often does not resolve (not here, not in many containers), and
 * after a restart with persisted state the port is stale. A consumer whose client is configured
 * through `AWS_ENDPOINT_URL_SQS` (no explicit endpoint) uses the queue URL's host, so it gets a URL
 * on the endpoint it is meant to reach. Without an explicit endpoint (real AWS, or an endpoint
 * from the environment) the URL is kept as the service returned it.
 */
export function rebaseQueueUrl(queueUrl: string, origin: string | undefined): string {
  if (!origin) return queueUrl;
  const url = new URL(queueUrl);
  return url.origin === origin ? queueUrl : `${origin}${url.pathname}`;
}

async function provisionClassQueues(
  sqs: SQSClient,
  prefix: string,
  className: string,
  cls: PriorityClass,
): Promise<QueueLocation> {
  const dlqUrl = await ensureQueue(sqs, deadLetterQueueName(prefix, className), {
    MessageRetentionPeriod: String(pipelineSettings.dlqRetentionDays * DAY_SECONDS),
    MaximumMessageSize: String(pipelineSettings.maxMessageBytes),
  });
  const dlqArn = await queueArn(sqs, dlqUrl);
  const queueUrl = await ensureQueue(sqs, queueName(prefix, className), {
    VisibilityTimeout: String(visibilityTimeoutSeconds(cls)),
    MessageRetentionPeriod: String(pipelineSettings.queueRetentionDays * DAY_SECONDS),
    MaximumMessageSize: String(pipelineSettings.maxMessageBytes),
    RedrivePolicy: JSON.stringify({
      deadLetterTargetArn: dlqArn,
      maxReceiveCount: redriveMaxReceiveCount(cls),
    }),
  });
  return { queueUrl, dlqUrl };
}

/**
 * SSE-SQS as in the stack (EventBridge Scheduler cannot send to queues under the AWS-managed KMS
 * key). Emulators that do not know the attribute get the queue without it.
 */
const SSE_ATTRIBUTES = { SqsManagedSseEnabled: 'true' } as const;

async function ensureQueue(
  sqs: SQSClient,
  name: string,
  attributes: Record<string, string>,
): Promise<string> {
  let withSse: Record<string, string> = { ...attributes, ...SSE_ATTRIBUTES };
  for (;;) {
    try {
      const { QueueUrl } = await sqs.send(new CreateQueueCommand({ QueueName: name, Attributes: withSse }));
      if (!QueueUrl) throw new Error(`CreateQueue returned no QueueUrl for ${name}`);
      return QueueUrl;
    } catch (error) {
      const code = errorCode(error);
      if ((code === 'InvalidAttributeName' || code === 'InvalidAttributeValue') && withSse !== attributes) {
        withSse = attributes;
        continue;
      }
      // The queue exists with other attributes (a changed class, an older run): update it in place.
      if (code === 'QueueNameExists' || code === 'QueueAlreadyExists') {
        const { QueueUrl } = await sqs.send(new GetQueueUrlCommand({ QueueName: name }));
        if (!QueueUrl) throw new Error(`GetQueueUrl returned no QueueUrl for ${name}`, { cause: error });
        await sqs.send(new SetQueueAttributesCommand({ QueueUrl, Attributes: attributes }));
        return QueueUrl;
      }
      throw error;
    }
  }
}

async function provisionJobTable(dynamodb: DynamoDBClient, name: string, timeoutMs: number): Promise<void> {
  const { byStatus } = jobTable.indexes;
  try {
    await dynamodb.send(
      new CreateTableCommand({
        TableName: name,
        BillingMode: 'PAY_PER_REQUEST',
        AttributeDefinitions: [
          { AttributeName: jobTable.partitionKey, AttributeType: 'S' },
          { AttributeName: byStatus.partitionKey, AttributeType: 'S' },
          { AttributeName: byStatus.sortKey, AttributeType: 'S' },
        ],
        KeySchema: [{ AttributeName: jobTable.partitionKey, KeyType: 'HASH' }],
        GlobalSecondaryIndexes: [byStatus].map((index) => ({
          IndexName: index.name,
          KeySchema: [
            { AttributeName: index.partitionKey, KeyType: 'HASH' as const },
            { AttributeName: index.sortKey, KeyType: 'RANGE' as const },
          ],
          Projection: { ProjectionType: 'KEYS_ONLY' as const },
        })),
      }),
    );
  } catch (error) {
    if (errorCode(error) !== 'ResourceInUseException') throw error;
  }
  const table = await waitForActiveTable(dynamodb, name, timeoutMs);
  assertIndexes(table);
  await enableTtl(dynamodb, name);
}

async function waitForActiveTable(
  dynamodb: DynamoDBClient,
  name: string,
  timeoutMs: number,
): Promise<TableDescription> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: name }));
    const active =
      Table?.TableStatus === 'ACTIVE' &&
      (Table.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE');
    if (Table && active) return Table;
    if (Date.now() > deadline) {
      throw new Error(`table ${name} not ACTIVE after ${timeoutMs} ms (status ${Table?.TableStatus})`);
    }
    await new Promise((resolve) => setTimeout(resolve, 500));
  }
}

/** An existing table from an older schema would fail later with confusing query errors. */
function assertIndexes(table: TableDescription): void {
  const names = new Set((table.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
  const missing = Object.values(jobTable.indexes)
    .map((index) => index.name)
    .filter((indexName) => !names.has(indexName));
  if (missing.length > 0) {
    throw new Error(`table ${table.TableName} exists without the index(es) ${missing.join(', ')}`);
  }
}

/**
 * TTL as the stack sets it. dynalite has no TTL API (nothing expires there anyway), so an
 * unknown-operation answer is not an error.
 */
async function enableTtl(dynamodb: DynamoDBClient, name: string): Promise<void> {
  try {
    const { TimeToLiveDescription } = await dynamodb.send(
      new DescribeTimeToLiveCommand({ TableName: name }),
    );
    const status = TimeToLiveDescription?.TimeToLiveStatus;
    if (status === 'ENABLED' || status === 'ENABLING') return;
    await dynamodb.send(
      new UpdateTimeToLiveCommand({
        TableName: name,
        TimeToLiveSpecification: { AttributeName: jobTable.ttlAttribute, Enabled: true },
      }),
    );
  } catch (error) {
    const code = errorCode(error);
    if (code === 'UnknownOperationException' || code === 'UnrecognizedClientException') return;
    throw error;
  }
}

/**
 * The error code without the `AWS.SimpleQueueService.` prefix that some endpoints keep
 * (fauxqs does for QueueNameExists and others), so one comparison covers AWS and emulators.
 */
export function errorCode(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const candidate =
    ('Code' in error && typeof error.Code === 'string' && error.Code) ||
    ('name' in error && typeof error.name === 'string' && error.name) ||
    undefined;
  return candidate?.replace(/^AWS\.SimpleQueueService\./, '');
}
