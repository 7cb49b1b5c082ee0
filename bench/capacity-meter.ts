/**
 * Counts what AWS would bill, request by request, from SDK middleware on the pipeline's own
 * clients: SQS requests (by operation, 64 KB chunks, empty receives apart), DynamoDB write and
 * read request units computed from the items actually written (read before and after each
 * write through a separate, unmetered client, because dynalite's ReturnConsumedCapacity counts
 * table units only), global-secondary-index writes by AWS's rules, and Lambda invocations with
 * their duration (recorded by the bench's handler wrapper).
 *
 * The middleware sits at the end of `finalizeRequest`, inside the SDK's retry loop, so every
 * HTTP attempt counts, as AWS bills it. It also asks DynamoDB for `ReturnConsumedCapacity:
 * TOTAL` so the computed table units can be compared with the emulator's own figure.
 *
 * @example
 * const meter = new CapacityMeter({ imageClient: new DynamoDBClient(config) });
 * meter.attachSqs(sqs); meter.attachDynamoDb(dynamodb);   // before wrapping it in a DocumentClient
 * meter.phase = 'enqueue'; await jobs.enqueueMany(entries);
 * meter.totals(); // { sqsRequests: 10, writeRequestUnits: 300, … }
 */
import {
  DescribeTableCommand,
  GetItemCommand,
  type AttributeValue as SdkAttributeValue,
  type DynamoDBClient,
} from '@aws-sdk/client-dynamodb';
import type { SQSClient } from '@aws-sdk/client-sqs';
import {
  indexWriteCost,
  itemSize,
  readUnits,
  tableWriteUnits,
  type AttributeMap,
  type IndexWriteCost,
  type WriteOperation,
} from './dynamodb-units.ts';
import { gbSeconds } from './prices.ts';
import { billedRequests, messagePayloadBytes, type MessageLike } from './sqs-units.ts';
import {
  SQS_DATA_OPERATIONS,
  CAPACITY_OPERATIONS,
  type MeterEvent,
  type UnitTotals,
  type CapacityMeterOptions,
  type TableSchema,
  type Handler,
  type StackView,
} from './capacity-meter-types.ts';
import { tableSchema, keyOf, asAttributeMap, operationName, errorName } from './capacity-meter-helpers.ts';
export type { SqsMeterEvent, DynamoMeterEvent, LambdaMeterEvent, MeterEvent, UnitTotals, CapacityMeterOptions, TableSchema } from './capacity-meter-types.ts';
export { tableSchema } from './capacity-meter-helpers.ts';

export class CapacityMeter {
  phase = 'setup';
  readonly events: MeterEvent[] = [];
  private readonly imageClient: DynamoDBClient;
  private readonly statusAttribute: string;
  private readonly schemas = new Map<string, Promise<TableSchema>>();

  constructor(options: CapacityMeterOptions) {
    this.imageClient = options.imageClient;
    this.statusAttribute = options.statusAttribute ?? 'status';
  }

  reset(phase = 'setup'): void {
    this.events.length = 0;
    this.phase = phase;
  }

  attachSqs(client: SQSClient): void {
    const stack = client.middlewareStack as unknown as StackView;
    stack.add(
      (next, context) => async (args) => {
        const operation = operationName(context.commandName);
        const input = args.input as Record<string, unknown>;
        const queueUrl = typeof input.QueueUrl === 'string' ? input.QueueUrl : undefined;
        let sentBytes = 0;
        let messages = 0;
        if (operation === 'SendMessage') {
          sentBytes = messagePayloadBytes(input as MessageLike);
          messages = 1;
        } else if (Array.isArray(input.Entries)) {
          messages = input.Entries.length;
          if (operation === 'SendMessageBatch') {
            sentBytes = (input.Entries as MessageLike[]).reduce((sum, entry) => sum + messagePayloadBytes(entry), 0);
          }
        }
        try {
          const result = await next(args);
          let payloadBytes = sentBytes;
          let empty = false;
          if (operation === 'ReceiveMessage') {
            const received = ((result.output as { Messages?: MessageLike[] }).Messages ?? []) as MessageLike[];
            messages = received.length;
            payloadBytes = received.reduce((sum, message) => sum + messagePayloadBytes(message), 0);
            empty = received.length === 0;
          }
          this.push({
            service: 'sqs',
            phase: this.phase,
            operation,
            ...(queueUrl ? { queueUrl } : {}),
            requests: billedRequests(payloadBytes),
            payloadBytes,
            messages,
            empty,
          });
          return result;
        } catch (error) {
          this.push({
            service: 'sqs',
            phase: this.phase,
            operation,
            ...(queueUrl ? { queueUrl } : {}),
            requests: billedRequests(sentBytes),
            payloadBytes: sentBytes,
            messages,
            empty: false,
            error: errorName(error),
          });
          throw error;
        }
      },
      { step: 'finalizeRequest', name: 'benchSqsMeter', priority: 'low' },
    );
  }

  /** Attach to the low-level client; a DocumentClient built from it shares its middleware. */
  attachDynamoDb(client: DynamoDBClient): void {
    const stack = client.middlewareStack as unknown as StackView;
    stack.add(
      (next, context) => async (args) => {
        const operation = operationName(context.commandName);
        const input = args.input as Record<string, unknown>;
        if (!CAPACITY_OPERATIONS.has(operation) || input.ReturnConsumedCapacity !== undefined) return next(args);
        return next({ ...args, input: { ...input, ReturnConsumedCapacity: 'TOTAL' } });
      },
      { step: 'initialize', name: 'benchReturnConsumedCapacity' },
    );
    stack.add(
      (next, context) => async (args) => {
        const operation = operationName(context.commandName);
        const input = args.input as Record<string, unknown>;
        switch (operation) {
          case 'PutItem':
          case 'UpdateItem':
          case 'DeleteItem':
            return this.meterWrite(operation, input, () => next(args));
          case 'GetItem':
          case 'BatchGetItem':
          case 'Query':
          case 'Scan':
            return this.meterRead(operation, input, () => next(args));
          default: {
            // Control plane (DescribeTable…) and operations the pipeline does not use.
            const result = await next(args);
            this.push({ service: 'dynamodb', phase: this.phase, operation, writeUnits: 0, readUnits: 0, indexes: {}, conditionFailed: false });
            return result;
          }
        }
      },
      { step: 'finalizeRequest', name: 'benchDynamoDbMeter', priority: 'low' },
    );
  }

  recordInvocation(invocation: { functionName: string; records: number; durationMs: number; memoryMb: number }): void {
    this.push({
      service: 'lambda',
      phase: this.phase,
      ...invocation,
      gbSeconds: gbSeconds(invocation.durationMs, invocation.memoryMb),
    });
  }

  totals(filter: (event: MeterEvent) => boolean = () => true): UnitTotals {
    let sqsRequests = 0;
    let sqsEmptyReceives = 0;
    let sqsControlPlaneRequests = 0;
    const sqsRequestsByOperation: Record<string, number> = {};
    let tableWrite = 0;
    const indexWrite: Record<string, number> = {};
    let read = 0;
    let dynamoRequests = 0;
    let lambdaInvocations = 0;
    let lambdaRecords = 0;
    let lambdaDurationMs = 0;
    let lambdaGbSeconds = 0;
    let compared = 0;
    let agreed = 0;
    for (const event of this.events) {
      if (!filter(event)) continue;
      if (event.service === 'sqs') {
        if (!SQS_DATA_OPERATIONS.has(event.operation)) sqsControlPlaneRequests += event.requests;
        else if (event.empty) sqsEmptyReceives += event.requests;
        else {
          sqsRequests += event.requests;
          sqsRequestsByOperation[event.operation] = (sqsRequestsByOperation[event.operation] ?? 0) + event.requests;
        }
      } else if (event.service === 'dynamodb') {
        dynamoRequests++;
        tableWrite += event.writeUnits;
        read += event.readUnits;
        for (const [name, cost] of Object.entries(event.indexes)) indexWrite[name] = (indexWrite[name] ?? 0) + cost.units;
        if (event.reportedUnits !== undefined && event.writeUnits > 0) {
          compared++;
          if (event.reportedUnits === event.writeUnits) agreed++;
        }
      } else {
        lambdaInvocations++;
        lambdaRecords += event.records;
        lambdaDurationMs += event.durationMs;
        lambdaGbSeconds += event.gbSeconds;
      }
    }
    const indexTotal = Object.values(indexWrite).reduce((sum, units) => sum + units, 0);
    return {
      sqsRequests,
      sqsEmptyReceives,
      sqsRequestsByOperation,
      sqsControlPlaneRequests,
      tableWriteUnits: tableWrite,
      indexWriteUnits: indexWrite,
      writeRequestUnits: tableWrite + indexTotal,
      readRequestUnits: read,
      dynamoRequests,
      lambdaInvocations,
      lambdaRecords,
      lambdaDurationMs,
      lambdaGbSeconds,
      crossCheck: { compared, agreed },
    };
  }

  private push(event: MeterEvent): void {
    this.events.push(event);
  }

  private async meterWrite(
    operation: WriteOperation,
    input: Record<string, unknown>,
    send: () => ReturnType<Handler>,
  ): ReturnType<Handler> {
    const table = String(input.TableName);
    const schema = await this.schema(table);
    const key = operation === 'PutItem' ? keyOf(input.Item as AttributeMap, schema.key) : (input.Key as AttributeMap);
    const before = await this.image(table, key);
    let result: Awaited<ReturnType<Handler>> | undefined;
    let failure: unknown;
    try {
      result = await send();
    } catch (error) {
      failure = error;
    }
    const conditionFailed = failure !== undefined && errorName(failure) === 'ConditionalCheckFailedException';
    const after = failure === undefined ? await this.image(table, key) : before;
    const indexes: Record<string, IndexWriteCost> = {};
    if (failure === undefined) {
      for (const index of schema.indexes) indexes[index.name] = indexWriteCost(before, after, index, schema.key);
    }
    const reported = (result?.output as { ConsumedCapacity?: { CapacityUnits?: number } } | undefined)?.ConsumedCapacity
      ?.CapacityUnits;
    const beforeStatus = before?.[this.statusAttribute]?.S;
    const afterStatus = after?.[this.statusAttribute]?.S;
    this.push({
      service: 'dynamodb',
      phase: this.phase,
      operation,
      table,
      // A failed condition still costs the existing item's size; other errors are not billed.
      writeUnits: failure === undefined || conditionFailed ? tableWriteUnits(operation, before, after, conditionFailed) : 0,
      readUnits: 0,
      indexes,
      beforeBytes: itemSize(before),
      afterBytes: itemSize(after),
      ...(before ? { before } : {}),
      ...(after ? { after } : {}),
      ...(beforeStatus !== undefined ? { beforeStatus } : {}),
      ...(afterStatus !== undefined ? { afterStatus } : {}),
      conditionFailed,
      ...(reported !== undefined ? { reportedUnits: reported } : {}),
      ...(failure !== undefined ? { error: errorName(failure) } : {}),
    });
    if (failure !== undefined) throw failure;
    return result as Awaited<ReturnType<Handler>>;
  }

  private async meterRead(
    operation: string,
    input: Record<string, unknown>,
    send: () => ReturnType<Handler>,
  ): ReturnType<Handler> {
    const result = await send();
    const consistent = input.ConsistentRead === true;
    let units = 0;
    let table: string | undefined;
    if (operation === 'GetItem') {
      table = String(input.TableName);
      const item = await this.image(table, input.Key as AttributeMap);
      units = readUnits(itemSize(item), consistent);
    } else if (operation === 'BatchGetItem') {
      const requests = (input.RequestItems ?? {}) as Record<string, { Keys?: AttributeMap[]; ConsistentRead?: boolean }>;
      for (const [name, request] of Object.entries(requests)) {
        table = name;
        for (const key of request.Keys ?? []) {
          units += readUnits(itemSize(await this.image(name, key)), request.ConsistentRead === true);
        }
      }
    } else {
      // Query / Scan: the returned items' total size, rounded up to 4 KB once.
      table = String(input.TableName);
      const items = ((result.output as { Items?: unknown[] }).Items ?? []).map(asAttributeMap);
      units = readUnits(items.reduce((sum, item) => sum + itemSize(item), 0), consistent);
    }
    this.push({
      service: 'dynamodb',
      phase: this.phase,
      operation,
      ...(table ? { table } : {}),
      writeUnits: 0,
      readUnits: units,
      indexes: {},
      conditionFailed: false,
    });
    return result;
  }

  private async image(table: string, key: AttributeMap): Promise<AttributeMap | undefined> {
    const { Item } = await this.imageClient.send(
      new GetItemCommand({ TableName: table, Key: key as Record<string, SdkAttributeValue>, ConsistentRead: true }),
    );
    return Item as AttributeMap | undefined;
  }

  /** Key schema and indexes of a table, as the meter applies them. */
  schema(table: string): Promise<TableSchema> {
    let schema = this.schemas.get(table);
    if (!schema) {
      schema = this.imageClient
        .send(new DescribeTableCommand({ TableName: table }))
        .then(({ Table }) => tableSchema(Table ?? {}));
      this.schemas.set(table, schema);
    }
    return schema;
  }
}
