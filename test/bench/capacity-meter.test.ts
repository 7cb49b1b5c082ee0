/**
 * The capacity meter against the embedded emulators: a known sequence of requests must come out
 * as exactly the units AWS's rules give (and as dynalite's own table units where it reports them).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { CreateQueueCommand, DeleteMessageBatchCommand, ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand } from '@aws-sdk/client-sqs';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { toDocumentClient } from '../../shared/aws-clients.ts';
import { awsClientsFor, localClientConfig, startEmulators, type AwsClients, type RunningEmulators } from '../../local/emulators.ts';
import { CapacityMeter, type DynamoMeterEvent, type SqsMeterEvent } from '../../bench/capacity-meter.ts';

let emulators: RunningEmulators;
let raw: AwsClients;
let images: DynamoDBClient;
let doc: DynamoDBDocumentClient;
let meter: CapacityMeter;
let queueUrl: string;
const TABLE = 'meter-test';

beforeAll(async () => {
  emulators = await startEmulators();
  raw = awsClientsFor(emulators.endpoint);
  images = new DynamoDBClient(localClientConfig(emulators.endpoint.dynamodb));
  await raw.dynamodb.send(
    new CreateTableCommand({
      TableName: TABLE,
      BillingMode: 'PAY_PER_REQUEST',
      AttributeDefinitions: [
        { AttributeName: 'id', AttributeType: 'S' },
        { AttributeName: 'status', AttributeType: 'S' },
        { AttributeName: 'at', AttributeType: 'S' },
      ],
      KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'byStatus',
          KeySchema: [{ AttributeName: 'status', KeyType: 'HASH' }, { AttributeName: 'at', KeyType: 'RANGE' }],
          Projection: { ProjectionType: 'KEYS_ONLY' },
        },
      ],
    }),
  );
  ({ QueueUrl: queueUrl = '' } = await raw.sqs.send(new CreateQueueCommand({ QueueName: 'meter-test' })));
  meter = new CapacityMeter({ imageClient: images });
  meter.attachDynamoDb(raw.dynamodb);
  meter.attachSqs(raw.sqs);
  doc = toDocumentClient(raw.dynamodb);
});

afterAll(async () => {
  raw?.destroy();
  images?.destroy();
  await emulators?.stop();
});

const lastDynamo = () => meter.events.filter((e): e is DynamoMeterEvent => e.service === 'dynamodb').at(-1);
const lastSqs = () => meter.events.filter((e): e is SqsMeterEvent => e.service === 'sqs').at(-1);

describe('capacity meter on the emulators', () => {
  it('prices writes from the item images, with index writes by the rules', async () => {
    meter.reset('writes');
    await doc.send(new PutCommand({ TableName: TABLE, Item: { id: 'a', status: 'queued', at: '1' } }));
    expect(lastDynamo()).toMatchObject({ operation: 'PutItem', writeUnits: 1, beforeBytes: 0, afterStatus: 'queued', reportedUnits: 1 });
    expect(lastDynamo()?.indexes.byStatus).toEqual({ kind: 'insert', writes: 1, units: 1 });

    await doc.send(
      new UpdateCommand({
        TableName: TABLE,
        Key: { id: 'a' },
        UpdateExpression: 'SET #s = :s, #at = :at',
        ExpressionAttributeNames: { '#s': 'status', '#at': 'at' },
        ExpressionAttributeValues: { ':s': 'running', ':at': '2' },
      }),
    );
    expect(lastDynamo()).toMatchObject({ operation: 'UpdateItem', writeUnits: 1, beforeStatus: 'queued', afterStatus: 'running' });
    expect(lastDynamo()?.indexes.byStatus).toEqual({ kind: 'key-changed', writes: 2, units: 2 });

    await doc.send(
      new UpdateCommand({ TableName: TABLE, Key: { id: 'a' }, UpdateExpression: 'SET note = :n', ExpressionAttributeValues: { ':n': 'x'.repeat(1500) } }),
    );
    expect(lastDynamo()).toMatchObject({ writeUnits: 2, reportedUnits: 2 });
    expect(lastDynamo()?.indexes.byStatus?.writes).toBe(0);

    await expect(
      doc.send(new PutCommand({ TableName: TABLE, Item: { id: 'a' }, ConditionExpression: 'attribute_not_exists(id)' })),
    ).rejects.toThrow();
    // A failed condition still costs the stored item (1.5 KB → 2 WRU), and nothing in the index.
    expect(lastDynamo()).toMatchObject({ conditionFailed: true, writeUnits: 2, error: 'ConditionalCheckFailedException' });

    const totals = meter.totals();
    expect(totals.tableWriteUnits).toBe(1 + 1 + 2 + 2);
    expect(totals.indexWriteUnits).toEqual({ byStatus: 3 });
    expect(totals.writeRequestUnits).toBe(9);
    expect(totals.crossCheck).toEqual({ compared: 3, agreed: 3 });
  });

  it('prices consistent and eventually consistent reads', async () => {
    meter.reset('reads');
    await doc.send(new GetCommand({ TableName: TABLE, Key: { id: 'a' }, ConsistentRead: true }));
    await doc.send(new GetCommand({ TableName: TABLE, Key: { id: 'missing' } }));
    expect(meter.totals().readRequestUnits).toBe(1.5);
  });

  it('counts SQS requests per started 64 KB, batches as one, empty receives apart', async () => {
    meter.reset('sqs');
    await raw.sqs.send(new SendMessageCommand({ QueueUrl: queueUrl, MessageBody: 'x'.repeat(70 * 1024) }));
    expect(lastSqs()).toMatchObject({ operation: 'SendMessage', requests: 2, messages: 1 });
    await raw.sqs.send(
      new SendMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: Array.from({ length: 10 }, (_, i) => ({ Id: String(i), MessageBody: 'y'.repeat(100) })),
      }),
    );
    expect(lastSqs()).toMatchObject({ operation: 'SendMessageBatch', requests: 1, messages: 10 });

    const received = [];
    for (let i = 0; i < 20 && received.length < 11; i++) {
      const { Messages = [] } = await raw.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: 10 }));
      received.push(...Messages);
      const event = lastSqs();
      const bytes = Messages.reduce((sum, m) => sum + Buffer.byteLength(m.Body ?? ''), 0);
      expect(event).toMatchObject({ operation: 'ReceiveMessage', payloadBytes: bytes, requests: bytes > 65_536 ? 2 : 1, empty: Messages.length === 0 });
    }
    expect(received).toHaveLength(11);
    await raw.sqs.send(
      new DeleteMessageBatchCommand({
        QueueUrl: queueUrl,
        Entries: received.slice(0, 10).map((m, i) => ({ Id: String(i), ReceiptHandle: m.ReceiptHandle })),
      }),
    );
    expect(lastSqs()).toMatchObject({ operation: 'DeleteMessageBatch', requests: 1 });

    await raw.sqs.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, WaitTimeSeconds: 0 }));
    expect(lastSqs()).toMatchObject({ empty: true, requests: 1 });
    const totals = meter.totals();
    expect(totals.sqsEmptyReceives).toBeGreaterThanOrEqual(1);
    expect(totals.sqsRequestsByOperation.SendMessage).toBe(2);
  });

  it('records invocations with their estimated GB-seconds', () => {
    meter.reset('lambda');
    meter.recordInvocation({ functionName: 'f', records: 10, durationMs: 99.2, memoryMb: 512 });
    expect(meter.totals()).toMatchObject({ lambdaInvocations: 1, lambdaRecords: 10, lambdaGbSeconds: 0.05 });
  });
});
