/**
 * Reads of the `byStatus` index (partition: status, sort: when the job entered it — for
 * `scheduled` jobs, when they are due). Keys only; callers fetch records with `batchGetJobs`.
 *
 * @example
 * const due = await statusIndexIds(db, table, { status: 'scheduled', until: soon, order: 'oldest', limit: 1000 });
 * const doneLastHour = await countStatus(db, table, { status: 'completed', since: hourAgo });
 */
import { QueryCommand, type DynamoDBDocumentClient, type QueryCommandOutput } from '@aws-sdk/lib-dynamodb';
import { jobTable } from '../job-table';
import type { JobStatus } from '../lifecycle';

export interface StatusRange {
  readonly status: JobStatus;
  /** ISO time, inclusive. */
  readonly since?: string;
  /** ISO time, inclusive. */
  readonly until?: string;
}

const index = jobTable.indexes.byStatus;

function keyCondition({ status, since, until }: StatusRange) {
  const range = since && until ? ' AND #sk BETWEEN :since AND :until' : since ? ' AND #sk >= :since' : until ? ' AND #sk <= :until' : '';
  return {
    IndexName: index.name,
    KeyConditionExpression: `#pk = :pk${range}`,
    ExpressionAttributeNames: { '#pk': index.partitionKey, ...(range ? { '#sk': index.sortKey } : {}) },
    ExpressionAttributeValues: { ':pk': status, ...(since ? { ':since': since } : {}), ...(until ? { ':until': until } : {}) },
  };
}

/** Job ids in the range, oldest or newest first, up to `limit` (reading page after page). */
export async function statusIndexIds(
  db: DynamoDBDocumentClient,
  tableName: string,
  query: StatusRange & { readonly order: 'oldest' | 'newest'; readonly limit: number },
): Promise<string[]> {
  const ids: string[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const page: QueryCommandOutput = await db.send(
      new QueryCommand({
        TableName: tableName,
        ...keyCondition(query),
        ScanIndexForward: query.order === 'oldest',
        Limit: Math.min(1000, query.limit - ids.length),
        ...(start ? { ExclusiveStartKey: start } : {}),
      }),
    );
    ids.push(...(page.Items ?? []).map((item) => String(item[jobTable.partitionKey])));
    start = page.LastEvaluatedKey;
  } while (start && ids.length < query.limit);
  return ids;
}

/** How many jobs are in the range (a COUNT query: reads index keys, returns none). */
export async function countStatus(db: DynamoDBDocumentClient, tableName: string, range: StatusRange): Promise<number> {
  let count = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page: QueryCommandOutput = await db.send(
      new QueryCommand({ TableName: tableName, ...keyCondition(range), Select: 'COUNT', ...(start ? { ExclusiveStartKey: start } : {}) }),
    );
    count += page.Count ?? 0;
    start = page.LastEvaluatedKey;
  } while (start);
  return count;
}
