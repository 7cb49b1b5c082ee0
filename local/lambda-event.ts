/**
 * What the Lambda SQS event source mapping hands a function, built from SDK messages: the
 * records, the batch response rules and the invocation context.
 */
import { randomUUID } from 'node:crypto';
import type { Message, MessageAttributeValue } from '@aws-sdk/client-sqs';
import type { Context, SQSMessageAttribute, SQSMessageAttributes, SQSRecord, SQSRecordAttributes } from 'aws-lambda';

/** How one invocation ended, as the mapping sees it. */
export type InvocationOutcome =
  | { readonly status: 'returned'; readonly response: unknown }
  | { readonly status: 'threw'; readonly error: unknown }
  | { readonly status: 'timedOut' };

/** An SDK `Message` as the Lambda event source mapping puts it into `event.Records`. */
export function toSqsRecord(message: Message, queueArn: string, region: string): SQSRecord {
  const system = message.Attributes ?? {};
  const attributes: SQSRecordAttributes = {
    ApproximateReceiveCount: system.ApproximateReceiveCount ?? '1',
    SentTimestamp: system.SentTimestamp ?? '',
    SenderId: system.SenderId ?? '',
    ApproximateFirstReceiveTimestamp: system.ApproximateFirstReceiveTimestamp ?? '',
  };
  // Optional ones (FIFO, tracing, redrive) only when the queue sent them, as Lambda does.
  const optional = [
    'AWSTraceHeader',
    'SequenceNumber',
    'MessageGroupId',
    'MessageDeduplicationId',
    'DeadLetterQueueSourceArn',
  ] as const;
  for (const name of optional) {
    const value = system[name];
    if (value !== undefined) attributes[name] = value;
  }

  const messageAttributes: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(message.MessageAttributes ?? {})) {
    messageAttributes[name] = toLambdaAttribute(value);
  }

  const record: SQSRecord = {
    messageId: message.MessageId ?? '',
    receiptHandle: message.ReceiptHandle ?? '',
    body: message.Body ?? '',
    attributes,
    messageAttributes,
    md5OfBody: message.MD5OfBody ?? '',
    eventSource: 'aws:sqs',
    eventSourceARN: queueArn,
    awsRegion: region,
  };
  if (message.MD5OfMessageAttributes) record.md5OfMessageAttributes = message.MD5OfMessageAttributes;
  return record;
}

/** Lambda's attribute shape: camelCase, binary as base64, list fields always empty arrays. */
function toLambdaAttribute(value: MessageAttributeValue): SQSMessageAttribute {
  const attribute: SQSMessageAttribute = {
    stringListValues: [],
    binaryListValues: [],
    dataType: value.DataType ?? 'String',
  };
  if (value.StringValue !== undefined) attribute.stringValue = value.StringValue;
  if (value.BinaryValue !== undefined) attribute.binaryValue = Buffer.from(value.BinaryValue).toString('base64');
  return attribute;
}

/**
 * Why Lambda would treat a returned value as a failed batch, or undefined when it is a valid
 * (possibly partial) success. Per AWS: null/undefined, `{}` and an empty or null
 * `batchItemFailures` mean all succeeded; an empty/null/non-string `itemIdentifier`, a wrong key
 * name or an id not in the batch mean the whole batch failed.
 */
export function batchResponseProblem(records: readonly SQSRecord[], response: unknown): string | undefined {
  if (response === undefined || response === null) return undefined;
  if (typeof response !== 'object' || Array.isArray(response)) return 'response is not an object';
  if (!('batchItemFailures' in response)) return undefined;
  const failures = response.batchItemFailures;
  if (failures === undefined || failures === null) return undefined;
  if (!Array.isArray(failures)) return 'batchItemFailures is not a list';
  const ids = new Set(records.map((record) => record.messageId));
  for (const failure of failures) {
    if (typeof failure !== 'object' || failure === null || !('itemIdentifier' in failure)) {
      return 'a batchItemFailures entry has no itemIdentifier';
    }
    const id = failure.itemIdentifier;
    if (typeof id !== 'string' || id === '') return 'an itemIdentifier is empty or not a string';
    if (!ids.has(id)) return `itemIdentifier ${id} is not a message of this batch`;
  }
  return undefined;
}

/** The records the mapping deletes after an invocation ended with `outcome`. */
export function messagesToDelete(records: readonly SQSRecord[], outcome: InvocationOutcome): SQSRecord[] {
  if (outcome.status !== 'returned') return [];
  if (batchResponseProblem(records, outcome.response) !== undefined) return [];
  const { response } = outcome;
  const failed = new Set<string>();
  if (typeof response === 'object' && response !== null && 'batchItemFailures' in response) {
    const failures: unknown = response.batchItemFailures;
    if (Array.isArray(failures)) {
      for (const failure of failures) {
        if (typeof failure === 'object' && failure !== null && 'itemIdentifier' in failure) {
          const id: unknown = failure.itemIdentifier;
          if (typeof id === 'string') failed.add(id);
        }
      }
    }
  }
  return records.filter((record) => !failed.has(record.messageId));
}

interface ContextOptions {
  readonly functionName: string;
  readonly region: string;
  readonly accountId: string;
  readonly memoryMb: number;
  /** Epoch ms at which the function times out. */
  readonly deadline: number;
}

export function lambdaContext(options: ContextOptions): Context {
  const { functionName, region, accountId, memoryMb, deadline } = options;
  const requestId = randomUUID();
  const unsupported = (name: string) => () => {
    // nodejs24.x dropped callback-style handlers and these legacy helpers with them.
    throw new Error(`context.${name}() is not supported on nodejs24.x; return a value instead`);
  };
  const day = new Date().toISOString().slice(0, 10).replaceAll('-', '/');
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:${region}:${accountId}:function:${functionName}`,
    memoryLimitInMB: String(memoryMb),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: `${day}/[$LATEST]${requestId.replaceAll('-', '')}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: unsupported('done'),
    fail: unsupported('fail'),
    succeed: unsupported('succeed'),
  };
}
