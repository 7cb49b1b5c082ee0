/** Item and name helpers of the capacity meter. */
import { type TableDescription } from '@aws-sdk/client-dynamodb';
import { marshall } from '@aws-sdk/util-dynamodb';
import { type AttributeMap, type TableKey } from './dynamodb-units.ts';

import type { TableSchema } from './capacity-meter-types.ts';

/** Key schema and global secondary indexes as DescribeTable reports them. */
export function tableSchema(table: TableDescription): TableSchema {
  const keysOf = (schema: TableDescription['KeySchema']): TableKey => {
    const hash = schema?.find((k) => k.KeyType === 'HASH')?.AttributeName;
    const range = schema?.find((k) => k.KeyType === 'RANGE')?.AttributeName;
    if (!hash) throw new Error(`table ${table.TableName} has no partition key in its description`);
    return { partitionKey: hash, ...(range ? { sortKey: range } : {}) };
  };
  return {
    key: keysOf(table.KeySchema),
    indexes: (table.GlobalSecondaryIndexes ?? []).map((index) => {
      const type = index.Projection?.ProjectionType ?? 'KEYS_ONLY';
      return {
        name: index.IndexName ?? '(unnamed)',
        ...keysOf(index.KeySchema),
        projection: type === 'INCLUDE' ? { include: index.Projection?.NonKeyAttributes ?? [] } : type,
      };
    }),
  };
}

export function keyOf(item: AttributeMap, key: TableKey): AttributeMap {
  const result: Record<string, AttributeMap[string]> = {};
  for (const name of [key.partitionKey, key.sortKey]) {
    if (name === undefined) continue;
    const value = item[name];
    if (value === undefined) throw new Error(`item has no key attribute ${name}`);
    result[name] = value;
  }
  return result;
}

export const TYPE_TAGS = new Set(['S', 'N', 'B', 'SS', 'NS', 'BS', 'M', 'L', 'NULL', 'BOOL']);

/** Items come back unmarshalled from a DocumentClient and as attribute values from the low-level client. */
export function asAttributeMap(item: unknown): AttributeMap {
  const record = item as Record<string, unknown>;
  const marshalled = Object.values(record).every((value) => {
    if (typeof value !== 'object' || value === null) return false;
    const tags = Object.keys(value);
    return tags.length === 1 && TYPE_TAGS.has(tags[0] as string);
  });
  return (marshalled ? record : marshall(record, { removeUndefinedValues: true })) as AttributeMap;
}

export function operationName(commandName: string | undefined): string {
  return (commandName ?? 'Unknown').replace(/Command$/, '');
}

export function errorName(error: unknown): string {
  return error instanceof Error ? error.name : String(error);
}
