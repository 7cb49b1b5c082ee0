/**
 * Reads of the `byStatus` index (partition: a status's shard, sort: when the job entered the
 * status — for `scheduled` jobs, when they are due). Every read covers all shards of the status
 * and merges them. Keys only; callers fetch records with `batchGetJobs`.
 *
 * @example
 * const due = await statusIndexIds(db, table, { status: 'scheduled', until: soon, order: 'oldest', limit: 1000 });
 * const doneLastHour = await countStatus(db, table, { status: 'completed', since: hourAgo });
 */
import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { jobTable, statusShards } from '../job-table.ts';
import type { JobStatus } from '../lifecycle.ts';

export interface StatusRange {
  readonly status: JobStatus;
  /** ISO time, inclusive. */
  readonly since?: string;
  /** ISO time, inclusive. */
  readonly until?: string;
}

const index = jobTable.indexes.byStatus;

function keyCondition(shard: string, { since, until }: StatusRange) {
  const range = since && until ? ' AND #sk BETWEEN :since AND :until' : since ? ' AND #sk >= :since' : until ? ' AND #sk <= :until' : '';
  return {
    IndexName: index.name,
    KeyConditionExpression: `#pk = :pk${range}`,
    ExpressionAttributeNames: { '#pk': index.partitionKey, ...(range ? { '#sk': index.sortKey } : {}) },
    ExpressionAttributeValues: { ':pk': shard, ...(since ? { ':since': since } : {}), ...(until ? { ':until': until } : {}) },
  };
}

/** Job ids in the range, oldest or newest first, up to `limit` (merging the status's shards). */
export async function statusIndexIds(
  db: DynamoDBDocumentClient,
  tableName: string,
  query: StatusRange & { readonly order: 'oldest' | 'newest'; readonly limit: number },
): Promise<string[]> {
  // Each shard's first `limit` keys in order hold the overall first `limit`.
  const perShard = await Promise.all(
    statusShards(query.status).map(async (shard) => {
      const keys: Record<string, unknown>[] = [];
      let start: Record<string, unknown> | undefined;
      do {
        const page: QueryCommandOutput = await db.send(
          new QueryCommand({
            TableName: tableName,
            ...keyCondition(shard, query),
            ScanIndexForward: query.order === 'oldest',
            Limit: Math.min(1000, query.limit - keys.length),
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        keys.push(...(page.Items ?? []));
        start = page.LastEvaluatedKey;
      } while (start && keys.length < query.limit);
      return keys;
    }),
  );
  const at = (key: Record<string, unknown>) => String(key[index.sortKey] ?? '');
  const sign = query.order === 'oldest' ? 1 : -1;
  return perShard
    .flat()
    .sort((a, b) => sign * at(a).localeCompare(at(b)))
    .slice(0, query.limit)
    .map((key) => String(key[jobTable.partitionKey]));
}

/** How many jobs are in the range (COUNT queries over every shard: reads index keys, returns none). */
export async function countStatus(db: DynamoDBDocumentClient, tableName: string, range: StatusRange): Promise<number> {
  const counts = await Promise.all(
    statusShards(range.status).map(async (shard) => {
      let count = 0;
      let start: Record<string, unknown> | undefined;
      do {
        const page: QueryCommandOutput = await db.send(
          new QueryCommand({
            TableName: tableName,
            ...keyCondition(shard, range),
            Select: 'COUNT',
            ...(start ? { ExclusiveStartKey: start } : {}),
          }),
        );
        count += page.Count ?? 0;
        start = page.LastEvaluatedKey;
      } while (start);
      return count;
    }),
  );
  return counts.reduce((sum, n) => sum + n, 0);
}
