import { describe, expect, it } from 'vitest';
import { tableSchema, type DynamoMeterEvent } from '../../bench/capacity-meter.ts';
import type { AttributeMap } from '../../bench/dynamodb-units.ts';
import { priceVariants, priceWrites } from '../../bench/what-if.ts';
import { breakdown, stepOf } from '../../bench/billable-units.ts';

const schema = tableSchema({
  TableName: 'jobs',
  KeySchema: [{ AttributeName: 'id', KeyType: 'HASH' }],
  GlobalSecondaryIndexes: [
    { IndexName: 'byStatus', KeySchema: [{ AttributeName: 'status', KeyType: 'HASH' }, { AttributeName: 'statusAt', KeyType: 'RANGE' }], Projection: { ProjectionType: 'KEYS_ONLY' } },
    { IndexName: 'byClass', KeySchema: [{ AttributeName: 'class', KeyType: 'HASH' }, { AttributeName: 'enqueuedAt', KeyType: 'RANGE' }], Projection: { ProjectionType: 'KEYS_ONLY' } },
  ],
});

const item = (status: string, at: string, extra: AttributeMap = {}): AttributeMap => ({
  id: { S: 'j1' },
  class: { S: 'default' },
  enqueuedAt: { S: 't0' },
  status: { S: status },
  statusAt: { S: at },
  attempts: { N: status === 'queued' ? '0' : '1' },
  ...extra,
});

function write(operation: string, before: AttributeMap | undefined, after: AttributeMap | undefined): DynamoMeterEvent {
  return {
    service: 'dynamodb',
    phase: 'test',
    operation,
    table: 'jobs',
    writeUnits: 1,
    readUnits: 0,
    indexes: {},
    conditionFailed: false,
    ...(before ? { before, beforeStatus: before.status?.S } : {}),
    ...(after ? { after, afterStatus: after.status?.S } : {}),
  } as DynamoMeterEvent;
}

/** One no-op job's writes as the status store makes them. */
const noopJob = [
  write('PutItem', undefined, item('queued', 't0')),
  write('UpdateItem', item('queued', 't0'), item('running', 't1')),
  write('UpdateItem', item('running', 't1'), item('completed', 't2')),
];

describe('table schema from DescribeTable', () => {
  it('reads the keys and each index with its projection', () => {
    expect(schema.key).toEqual({ partitionKey: 'id' });
    expect(schema.indexes.map((i) => [i.name, i.partitionKey, i.sortKey, i.projection])).toEqual([
      ['byStatus', 'status', 'statusAt', 'KEYS_ONLY'],
      ['byClass', 'class', 'enqueuedAt', 'KEYS_ONLY'],
    ]);
    const include = tableSchema({
      KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }],
      GlobalSecondaryIndexes: [{ IndexName: 'g', KeySchema: [{ AttributeName: 'a', KeyType: 'HASH' }], Projection: { ProjectionType: 'INCLUDE', NonKeyAttributes: ['b'] } }],
    });
    expect(include.key).toEqual({ partitionKey: 'pk', sortKey: 'sk' });
    expect(include.indexes[0]?.projection).toEqual({ include: ['b'] });
  });
});

describe('re-pricing writes under another data model', () => {
  it('prices the no-op job as measured: 3 table + 5 byStatus + 1 byClass', () => {
    expect(priceWrites(noopJob, schema)).toBe(9);
  });

  it('prices the candidate changes', () => {
    const { actualWruPerJob, variants } = priceVariants(noopJob, schema, 1);
    expect(actualWruPerJob).toBe(9);
    const saved = Object.fromEntries(variants.map((v) => [v.id, v.savedWruPerJob]));
    expect(saved['no-byStatus']).toBe(5);
    expect(saved['sparse-byStatus']).toBe(5);
    expect(saved['no-queued-record']).toBe(3); // the claim inserts instead: 3 + 3 instead of 3 + 3 + 3
    expect(saved['no-lastError']).toBe(0);
  });

  it('charges a sparse byStatus only while a job is scheduled, retrying or failed', () => {
    const retried = [
      ...noopJob.slice(0, 2),
      write('UpdateItem', item('running', 't1'), item('retrying', 't2')),
      write('UpdateItem', item('retrying', 't2'), item('running', 't3')),
      write('UpdateItem', item('running', 't3'), item('completed', 't4')),
    ];
    const sparse = priceVariants(retried, schema, 1).variants.find((v) => v.id === 'sparse-byStatus');
    // byStatus now: 1 + 2 × 4 = 9; sparse: insert on →retrying, remove on retrying→ = 2.
    expect(sparse?.savedWruPerJob).toBe(7);
  });

  it('drops lastError from every image when asked', () => {
    const long = { lastError: { S: 'x'.repeat(600) }, errors: { L: [{ M: { message: { S: 'x'.repeat(600) } } }] } };
    const events = [write('UpdateItem', item('running', 't1', long), item('retrying', 't2', long))];
    const lastError = priceVariants(events, schema, 1).variants.find((v) => v.id === 'no-lastError');
    expect(lastError?.savedWruPerJob).toBe(1); // 2 table WRU → 1
  });
});

describe('the per-job breakdown', () => {
  it('names the status store transitions and adds up per job', () => {
    const events = noopJob.map((e) => ({ ...e, indexes: { byStatus: { kind: 'insert' as const, writes: 1, units: 1 } } }));
    expect(stepOf(events[0] as DynamoMeterEvent)).toBe('createQueued: PutItem ∅→queued (enqueue)');
    expect(stepOf(events[1] as DynamoMeterEvent)).toBe('claim: UpdateItem queued→running (attempt 1)');
    expect(stepOf({ service: 'sqs', phase: 'x', operation: 'ReceiveMessage', requests: 1, payloadBytes: 0, messages: 0, empty: true })).toBe(
      'ReceiveMessage, empty (idle polling)',
    );
    expect(stepOf({ service: 'sqs', phase: 'x', operation: 'SendMessage', queueUrl: 'dlq', requests: 1, payloadBytes: 10, messages: 1, empty: false }, 'dlq')).toBe(
      'SendMessage → DLQ',
    );
    const rows = breakdown([...events, ...events], 2);
    expect(rows.map((r) => [r.callsPerJob, r.tableWruPerJob, r.indexWruPerJob.byStatus])).toEqual([
      [1, 1, 1],
      [1, 1, 1],
      [1, 1, 1],
    ]);
  });
});
