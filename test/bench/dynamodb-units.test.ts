import { describe, expect, it } from 'vitest';
import {
  indexEntry,
  indexEntrySize,
  indexWriteCost,
  itemSize,
  numberSize,
  readUnits,
  sameValue,
  significantDigits,
  tableWriteUnits,
  valueSize,
  writeUnits,
  type AttributeMap,
  type IndexDefinition,
} from '../../bench/dynamodb-units.ts';

const table = { partitionKey: 'id' };
const byStatus: IndexDefinition = { name: 'byStatus', partitionKey: 'status', sortKey: 'statusAt', projection: 'KEYS_ONLY' };
const byClass: IndexDefinition = { name: 'byClass', partitionKey: 'class', sortKey: 'enqueuedAt', projection: 'KEYS_ONLY' };

function job(status: string, statusAt: string, extra: AttributeMap = {}): AttributeMap {
  return { id: { S: 'job-1' }, class: { S: 'default' }, enqueuedAt: { S: 't0' }, status: { S: status }, statusAt: { S: statusAt }, ...extra };
}

describe('item size (AWS: names + values)', () => {
  it('counts strings in UTF-8 bytes, names included', () => {
    expect(itemSize({ id: { S: 'abc' } })).toBe(2 + 3);
    expect(itemSize({ n: { S: 'é' } })).toBe(1 + 2);
    expect(itemSize({ 'ü': { S: '' } })).toBe(2);
  });

  it('sizes numbers by significant digits: ceil(digits / 2) + 1', () => {
    expect(significantDigits('12345')).toBe(5);
    expect(significantDigits('-0.00120')).toBe(2);
    expect(significantDigits('1000')).toBe(1);
    expect(significantDigits('1.5E+10')).toBe(2);
    expect(numberSize('12345')).toBe(4);
    expect(numberSize('1000')).toBe(2);
    expect(numberSize('0')).toBe(1);
    expect(numberSize('1767225600000')).toBe(1 + Math.ceil(8 / 2)); // 17672256 after trailing zeros
  });

  it('sizes binary by raw bytes, booleans and null as 1 byte', () => {
    expect(valueSize({ B: new Uint8Array([1, 2, 3]) })).toBe(3);
    expect(valueSize({ B: 'AAEC' })).toBe(3); // base64 on the wire
    expect(valueSize({ BOOL: false })).toBe(1);
    expect(valueSize({ NULL: true })).toBe(1);
  });

  it('adds 3 bytes per list or map and 1 byte per element; map keys count', () => {
    expect(valueSize({ L: [] })).toBe(3);
    expect(valueSize({ M: {} })).toBe(3);
    expect(valueSize({ L: [{ S: 'ab' }, { N: '1' }] })).toBe(3 + (1 + 2) + (1 + 2));
    expect(valueSize({ M: { a: { S: 'xy' } } })).toBe(3 + (1 + 1 + 2));
    expect(valueSize({ M: { outer: { L: [{ BOOL: true }] } } })).toBe(3 + 1 + 5 + (3 + 1 + 1));
  });

  it('sizes sets by their members', () => {
    expect(valueSize({ SS: ['a', 'bc'] })).toBe(3);
    expect(valueSize({ NS: ['1', '22'] })).toBe(2 + 2);
  });

  it('rejects something that is not an attribute value', () => {
    expect(() => valueSize({} as never)).toThrow(TypeError);
  });
});

describe('request units', () => {
  it('bills writes per started KB, at least 1', () => {
    expect(writeUnits(0)).toBe(1);
    expect(writeUnits(1024)).toBe(1);
    expect(writeUnits(1025)).toBe(2);
    expect(writeUnits(4 * 1024 + 1)).toBe(5);
  });

  it('bills reads per started 4 KB, half when eventually consistent', () => {
    expect(readUnits(0, true)).toBe(1);
    expect(readUnits(4096, true)).toBe(1);
    expect(readUnits(4097, true)).toBe(2);
    expect(readUnits(4097, false)).toBe(1);
    expect(readUnits(100, false)).toBe(0.5);
  });

  it('bills UpdateItem and PutItem on the larger of before and after', () => {
    const small = { id: { S: 'x'.repeat(900) } };
    const large = { id: { S: 'x'.repeat(1100) } };
    expect(tableWriteUnits('UpdateItem', small, large)).toBe(2);
    expect(tableWriteUnits('UpdateItem', large, small)).toBe(2);
    expect(tableWriteUnits('PutItem', undefined, small)).toBe(1);
    expect(tableWriteUnits('PutItem', large, small)).toBe(2);
  });

  it('bills a failed condition by the stored item and a delete by the deleted item', () => {
    const stored = { id: { S: 'x'.repeat(2500) } };
    expect(tableWriteUnits('UpdateItem', stored, undefined, true)).toBe(3);
    expect(tableWriteUnits('PutItem', undefined, undefined, true)).toBe(1);
    expect(tableWriteUnits('DeleteItem', stored, undefined)).toBe(3);
  });
});

describe('global secondary index writes (AWS GSI.Writes rules)', () => {
  it('projects KEYS_ONLY entries as index keys + table key, sized with 100 bytes overhead', () => {
    const item = job('queued', 't1', { name: { S: 'bench.noop' } });
    const entry = indexEntry(item, byStatus, table);
    expect(entry).toEqual({ status: { S: 'queued' }, statusAt: { S: 't1' }, id: { S: 'job-1' } });
    expect(indexEntrySize(entry as AttributeMap)).toBe(6 + 6 + 8 + 2 + 2 + 5 + 100);
  });

  it('keeps an item out of an index while it lacks one of the index keys (sparse)', () => {
    expect(indexEntry({ id: { S: 'a' }, status: { S: 'queued' } }, byStatus, table)).toBeUndefined();
  });

  it('costs one write to insert and nothing when the keys never change', () => {
    expect(indexWriteCost(undefined, job('queued', 't1'), byClass, table)).toEqual({ kind: 'insert', writes: 1, units: 1 });
    expect(indexWriteCost(job('queued', 't1'), job('running', 't2'), byClass, table)).toEqual({ kind: 'unchanged', writes: 0, units: 0 });
  });

  it('costs a delete plus a put (2 writes) when an index key changes', () => {
    expect(indexWriteCost(job('queued', 't1'), job('running', 't2'), byStatus, table)).toEqual({ kind: 'key-changed', writes: 2, units: 2 });
    // The sort key alone changing is a key change too.
    expect(indexWriteCost(job('running', 't1'), job('running', 't2'), byStatus, table).writes).toBe(2);
  });

  it('costs one write to remove an item whose index key went away', () => {
    const without = { id: { S: 'job-1' }, status: { S: 'queued' } };
    expect(indexWriteCost(job('queued', 't1'), without, byStatus, table)).toEqual({ kind: 'remove', writes: 1, units: 1 });
    expect(indexWriteCost(without, without, byStatus, table)).toEqual({ kind: 'none', writes: 0, units: 0 });
  });

  it('ignores non-key changes for KEYS_ONLY, but not for ALL or INCLUDE projections', () => {
    const before = job('queued', 't1', { progress: { N: '10' } });
    const after = job('queued', 't1', { progress: { N: '20' } });
    expect(indexWriteCost(before, after, byStatus, table).writes).toBe(0);
    expect(indexWriteCost(before, after, { ...byStatus, projection: 'ALL' }, table)).toEqual({ kind: 'projection-changed', writes: 1, units: 1 });
    expect(indexWriteCost(before, after, { ...byStatus, projection: { include: ['progress'] } }, table).writes).toBe(1);
    expect(indexWriteCost(before, after, { ...byStatus, projection: { include: ['other'] } }, table).writes).toBe(0);
  });

  it('sizes index writes by the entry: a 2 KB item in an ALL index costs 3 units per put', () => {
    const big = job('queued', 't1', { blob: { S: 'x'.repeat(2000) } });
    const moved = job('running', 't2', { blob: { S: 'x'.repeat(2000) } });
    const all = { ...byStatus, projection: 'ALL' as const };
    expect(indexWriteCost(undefined, big, all, table).units).toBe(3);
    expect(indexWriteCost(big, moved, all, table).units).toBe(6);
  });

  it('compares values as DynamoDB does', () => {
    expect(sameValue({ N: '1.0' }, { N: '1' })).toBe(true);
    expect(sameValue({ NS: ['1', '2'] }, { NS: ['2', '1'] })).toBe(true);
    expect(sameValue({ S: '1' }, { N: '1' })).toBe(false);
    expect(sameValue({ M: { a: { S: 'x' }, b: { N: '1' } } }, { M: { b: { N: '1' }, a: { S: 'x' } } })).toBe(true);
    expect(sameValue(undefined, { S: 'x' })).toBe(false);
  });
});
