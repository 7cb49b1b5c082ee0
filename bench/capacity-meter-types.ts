/** What the capacity meter records: its events, totals, options and the table schema it reads. */
import { type DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  readUnits,
  tableWriteUnits,
  type AttributeMap,
  type IndexDefinition,
  type IndexWriteCost,
  type TableKey,
} from './dynamodb-units.ts';
import { gbSeconds } from './prices.ts';


export interface EventBase {
  /** What the bench was doing (set through `meter.phase`). */
  readonly phase: string;
}

export interface SqsMeterEvent extends EventBase {
  readonly service: 'sqs';
  readonly operation: string;
  readonly queueUrl?: string;
  /** Billed requests: 1, or one per started 64 KB of payload. */
  readonly requests: number;
  readonly payloadBytes: number;
  readonly messages: number;
  /** A ReceiveMessage that returned nothing (still billed). */
  readonly empty: boolean;
  readonly error?: string;
}

export interface DynamoMeterEvent extends EventBase {
  readonly service: 'dynamodb';
  readonly operation: string;
  readonly table?: string;
  /** Table write request units (before GSIs). */
  readonly writeUnits: number;
  readonly readUnits: number;
  /** Per global secondary index: what this write cost there. */
  readonly indexes: Readonly<Record<string, IndexWriteCost>>;
  readonly beforeBytes?: number;
  readonly afterBytes?: number;
  /** The item before and after the write (its status names the step in the breakdown). */
  readonly before?: AttributeMap;
  readonly after?: AttributeMap;
  /** `status` attribute of the item before and after the write (for the breakdown). */
  readonly beforeStatus?: string;
  readonly afterStatus?: string;
  readonly conditionFailed: boolean;
  /** Table units the endpoint reported (ReturnConsumedCapacity), when it did. */
  readonly reportedUnits?: number;
  readonly error?: string;
}

export interface LambdaMeterEvent extends EventBase {
  readonly service: 'lambda';
  readonly functionName: string;
  readonly records: number;
  readonly durationMs: number;
  readonly memoryMb: number;
  /** Duration rounded up to the millisecond × configured memory: an estimate of what Lambda bills. */
  readonly gbSeconds: number;
}

export type MeterEvent = SqsMeterEvent | DynamoMeterEvent | LambdaMeterEvent;

/** SQS operations that move messages; everything else is control plane (setup, monitoring). */
export const SQS_DATA_OPERATIONS = new Set([
  'SendMessage',
  'SendMessageBatch',
  'ReceiveMessage',
  'DeleteMessage',
  'DeleteMessageBatch',
  'ChangeMessageVisibility',
  'ChangeMessageVisibilityBatch',
]);

export const CAPACITY_OPERATIONS = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'GetItem',
  'BatchGetItem',
  'BatchWriteItem',
  'Query',
  'Scan',
]);

export interface UnitTotals {
  /** Billed SQS data-plane requests, empty receives excluded. */
  readonly sqsRequests: number;
  readonly sqsEmptyReceives: number;
  readonly sqsRequestsByOperation: Readonly<Record<string, number>>;
  readonly sqsControlPlaneRequests: number;
  readonly tableWriteUnits: number;
  readonly indexWriteUnits: Readonly<Record<string, number>>;
  /** Table plus index write request units. */
  readonly writeRequestUnits: number;
  readonly readRequestUnits: number;
  readonly dynamoRequests: number;
  readonly lambdaInvocations: number;
  readonly lambdaRecords: number;
  readonly lambdaDurationMs: number;
  readonly lambdaGbSeconds: number;
  /** Writes whose computed table units could be compared with the endpoint's, and how many agreed. */
  readonly crossCheck: { readonly compared: number; readonly agreed: number };
}

export interface CapacityMeterOptions {
  /** Reads item images before and after writes; must not be metered itself. */
  readonly imageClient: DynamoDBClient;
  /** Attribute shown as the item's state in the breakdown. @defaultValue 'status' */
  readonly statusAttribute?: string;
}

export interface TableSchema {
  readonly key: TableKey;
  readonly indexes: readonly IndexDefinition[];
}

// The SDK's middleware stack is generic over every command's input and output; the meter only
// reads plain objects from it, so a minimal structural view keeps `any` out of the code below.
export type Handler = (args: { input: object; request?: unknown }) => Promise<{ output: object; response?: unknown }>;
export interface StackView {
  add(
    middleware: (next: Handler, context: { commandName?: string }) => Handler,
    options: { step: 'initialize' | 'finalizeRequest'; name: string; priority?: 'low' | 'normal' | 'high' },
  ): void;
}
