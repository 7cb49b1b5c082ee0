import { describe, expect, it } from 'vitest';
import type { Message } from '@aws-sdk/client-sqs';
import type { SQSRecord } from 'aws-lambda';
import {
  batchResponseProblem,
  messagesToDelete,
  toSqsRecord,
  type InvocationOutcome,
} from '../../local/event-source-poller.ts';

const QUEUE_ARN = 'arn:aws:sqs:us-east-1:000000000000:sqs-jobs-default';

function message(id: string, extra: Partial<Message> = {}): Message {
  return {
    MessageId: id,
    ReceiptHandle: `rh-${id}`,
    Body: `body-${id}`,
    MD5OfBody: 'md5',
    Attributes: {
      ApproximateReceiveCount: '1',
      SentTimestamp: '1700000000000',
      SenderId: '000000000000',
      ApproximateFirstReceiveTimestamp: '1700000000001',
    },
    ...extra,
  };
}

const records: SQSRecord[] = ['a', 'b', 'c'].map((id) => toSqsRecord(message(id), QUEUE_ARN, 'us-east-1'));
const ids = (list: readonly SQSRecord[]) => list.map((record) => record.messageId);
const returned = (response: unknown): InvocationOutcome => ({ status: 'returned', response });

describe('messagesToDelete (ReportBatchItemFailures semantics)', () => {
  it.each([
    ['undefined (void handler)', undefined],
    ['null', null],
    ['an empty object', {}],
    ['an empty batchItemFailures list', { batchItemFailures: [] }],
    ['a null batchItemFailures list', { batchItemFailures: null }],
  ])('deletes every record when the handler returns %s', (_label, response) => {
    expect(ids(messagesToDelete(records, returned(response)))).toEqual(['a', 'b', 'c']);
  });

  it('deletes all but the reported failures', () => {
    const response = { batchItemFailures: [{ itemIdentifier: 'b' }] };
    expect(ids(messagesToDelete(records, returned(response)))).toEqual(['a', 'c']);
    expect(batchResponseProblem(records, response)).toBeUndefined();
  });

  it('deletes nothing when every record is reported, duplicates included', () => {
    const response = {
      batchItemFailures: [{ itemIdentifier: 'a' }, { itemIdentifier: 'b' }, { itemIdentifier: 'c' }, { itemIdentifier: 'a' }],
    };
    expect(messagesToDelete(records, returned(response))).toEqual([]);
  });

  it.each([
    ['an empty itemIdentifier', { batchItemFailures: [{ itemIdentifier: '' }] }],
    ['a null itemIdentifier', { batchItemFailures: [{ itemIdentifier: null }] }],
    ['a numeric itemIdentifier', { batchItemFailures: [{ itemIdentifier: 1 }] }],
    ['an unknown message id', { batchItemFailures: [{ itemIdentifier: 'b' }, { itemIdentifier: 'zzz' }] }],
    ['a wrong key name', { batchItemFailures: [{ itemIdentifer: 'b' }] }],
    ['a non-object entry', { batchItemFailures: ['b'] }],
    ['batchItemFailures that is not a list', { batchItemFailures: { itemIdentifier: 'b' } }],
    ['a string', 'ok'],
    ['a list', [{ itemIdentifier: 'b' }]],
  ])('treats %s as a failed batch: deletes nothing', (_label, response) => {
    expect(messagesToDelete(records, returned(response))).toEqual([]);
    expect(batchResponseProblem(records, response)).toEqual(expect.any(String));
  });

  it('deletes nothing when the handler threw', () => {
    expect(messagesToDelete(records, { status: 'threw', error: new Error('boom') })).toEqual([]);
  });

  it('deletes nothing when the invocation timed out', () => {
    expect(messagesToDelete(records, { status: 'timedOut' })).toEqual([]);
  });

  it('an empty batch deletes nothing', () => {
    expect(messagesToDelete([], returned(undefined))).toEqual([]);
  });
});

describe('toSqsRecord', () => {
  it('builds the record Lambda builds', () => {
    const record = toSqsRecord(
      message('m1', {
        MD5OfMessageAttributes: 'md5attrs',
        MessageAttributes: {
          kind: { DataType: 'String', StringValue: 'email' },
          count: { DataType: 'Number', StringValue: '3' },
          blob: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) },
        },
      }),
      QUEUE_ARN,
      'us-east-1',
    );
    expect(record).toEqual({
      messageId: 'm1',
      receiptHandle: 'rh-m1',
      body: 'body-m1',
      attributes: {
        ApproximateReceiveCount: '1',
        SentTimestamp: '1700000000000',
        SenderId: '000000000000',
        ApproximateFirstReceiveTimestamp: '1700000000001',
      },
      messageAttributes: {
        kind: { stringValue: 'email', stringListValues: [], binaryListValues: [], dataType: 'String' },
        count: { stringValue: '3', stringListValues: [], binaryListValues: [], dataType: 'Number' },
        blob: { binaryValue: 'AQID', stringListValues: [], binaryListValues: [], dataType: 'Binary' },
      },
      md5OfBody: 'md5',
      md5OfMessageAttributes: 'md5attrs',
      eventSource: 'aws:sqs',
      eventSourceARN: QUEUE_ARN,
      awsRegion: 'us-east-1',
    });
  });

  it('keeps FIFO system attributes and leaves absent ones out', () => {
    const base = message('m2');
    const record = toSqsRecord(
      { ...base, Attributes: { ...base.Attributes, MessageGroupId: 'g', SequenceNumber: '1' } },
      QUEUE_ARN,
      'eu-west-1',
    );
    expect(record.attributes.MessageGroupId).toBe('g');
    expect(record.attributes.SequenceNumber).toBe('1');
    expect('AWSTraceHeader' in record.attributes).toBe(false);
    expect(record.messageAttributes).toEqual({});
    expect('md5OfMessageAttributes' in record).toBe(false);
    expect(record.awsRegion).toBe('eu-west-1');
  });
});
